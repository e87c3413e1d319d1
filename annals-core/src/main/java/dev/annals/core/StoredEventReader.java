package dev.annals.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A store that hands out its events as its engine keeps them ({@link StoredEvent}: with the chain hash,
 * the append framing and the imported flag), by position: what an exporter reads. It also names the
 * store ({@link #storeId()}, stable across restarts) and grants exclusive roles ({@link #tryAcquireRole}),
 * so at most one process exports one store to one topic. Thread-safe.
 */
public interface StoredEventReader {

  /**
   * The stable identity of the store: the same after a restart, different for another store (the log
   * engine keeps it in the data directory; PostgreSQL in {@code annals_schema.store_id}).
   */
  UUID storeId();

  /** The position of the last readable event; 0 when the store is empty. */
  long headPosition();

  /**
   * Up to {@code limit} stored events from {@code fromPosition} (inclusive, at least 1), in ascending
   * position order, with no gap; empty past the head.
   */
  List<StoredEvent> readStored(long fromPosition, int limit);

  /**
   * Waits until the head is above {@code position}, or {@code timeout} passes, woken promptly by the
   * store's commits (not by polling, where the engine can). Returns at once when it already is.
   *
   * @return whether the head is above {@code position}
   */
  boolean awaitHeadAbove(long position, Duration timeout) throws InterruptedException;

  /**
   * Takes the role named {@code role} (e.g. {@code export:orders}) for this store, if no one holds it:
   * at most one holder per store per role at a time. PostgreSQL: a session advisory lock on a dedicated
   * connection (shared by every process on the database); log and memory: within the process that owns
   * the data directory. Empty when another holder has it.
   */
  Optional<ExclusiveRole> tryAcquireRole(String role);
}
