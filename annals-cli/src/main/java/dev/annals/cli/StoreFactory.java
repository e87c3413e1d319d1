package dev.annals.cli;

import dev.annals.core.EventStore;
import dev.annals.server.verify.Verifier;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the store {@code annals serve} runs on: the seam where the embedded log engine is bound. The
 * caller closes the returned store.
 */
@FunctionalInterface
interface StoreFactory {

  /** An open store and the verifier of its engine. */
  record Opened(EventStore store, Verifier verifier, String description) {}

  /**
   * @param dataDir the data directory ({@code --data} or the default); absent ({@code --in-memory}) means a store that keeps nothing
   * @param fsync the {@code --fsync} mode, as given
   */
  Opened open(Optional<Path> dataDir, String fsync) throws Exception;
}
