package dev.annals.core;

import java.util.UUID;

/**
 * An empty store being filled with another store's events ({@link StoredEvent}), in position order from
 * position 1: the write side of a copy between engines. It keeps every field as given (positions,
 * versions, ids, both times, the exact bytes, the append boundaries, the import flags), so the copy ends
 * with the same hash chain. Refuses, before writing anything, a store that already holds events
 * ({@link CopyRefusedException}). Used by one thread; the caller closes it.
 */
public interface StoredEventTarget extends AutoCloseable {

  /** Gives the new store the source's id ({@link StoredEventSource#storeId()}); called before the first write. */
  default void keepStoreId(UUID id) {
  }

  /** Adds the next event; its position follows the previous one's. */
  void write(StoredEvent event);

  /**
   * Makes everything written durable and the store whole (its indexes, head and stream table built) and
   * returns what the engine now says its head is, read back from the store.
   */
  StoreCopy.Head finish();

  /** Where the events go, in words for the person copying (never a password). */
  String describe();

  /** Releases what the target holds; after a failure, leaves the target as it was before, or says why not. */
  @Override
  void close();
}
