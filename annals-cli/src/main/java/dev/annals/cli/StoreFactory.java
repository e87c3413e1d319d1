package dev.annals.cli;

import dev.annals.core.EventStore;
import dev.annals.core.StoredEventReader;
import dev.annals.server.verify.Verifier;

/**
 * Opens the store {@code annals serve} runs on: the seam where the engines are bound. The caller
 * closes the returned store.
 */
@FunctionalInterface
interface StoreFactory {

  /**
   * An open store, its engine's stored events (what a Kafka export reads; the same engine as
   * {@code store}), the verifier of its engine, and what {@code serve} says it serves.
   */
  record Opened(EventStore store, StoredEventReader stored, Verifier verifier, String description) {}

  /**
   * @param where the store's location ({@code --data}, its default, {@code --store} or {@code --in-memory})
   * @param fsync the {@code --fsync} mode, as given (a data directory's only)
   */
  Opened open(StoreLocation where, String fsync) throws Exception;
}
