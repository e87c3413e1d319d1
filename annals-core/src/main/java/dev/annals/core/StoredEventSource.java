package dev.annals.core;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A whole store's events as its engine keeps them ({@link StoredEvent}), read in position order from
 * position 1, one consistent state of the store: the read side of a copy between engines. Reading changes
 * nothing. One reading per instance; the caller closes it.
 */
public interface StoredEventSource extends AutoCloseable {

  /**
   * Hands every stored event, in position order, to {@code sink}, and returns how many. An engine that
   * finds its store damaged while reading throws (the message says where), as does {@code sink}'s failure.
   */
  long forEach(Consumer<StoredEvent> sink);

  /**
   * The store's id ({@link StoredEventReader#storeId()}), which a copy keeps: the copy holds the same history,
   * so an exporter resumes it where the source's export left off (after checking that the history matches).
   * Empty when the engine keeps none.
   */
  default Optional<UUID> storeId() {
    return Optional.empty();
  }

  /** Where these events come from, in words for the person copying (never a password). */
  String describe();

  @Override
  void close();
}
