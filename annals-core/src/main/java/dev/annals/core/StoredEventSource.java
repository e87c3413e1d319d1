package dev.annals.core;

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

  /** Where these events come from, in words for the person copying (never a password). */
  String describe();

  @Override
  void close();
}
