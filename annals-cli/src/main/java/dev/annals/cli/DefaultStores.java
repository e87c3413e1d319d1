package dev.annals.cli;

import dev.annals.core.InMemoryEventStore;
import dev.annals.server.ScanVerifier;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stores the CLI can open today. Without {@code --data}: an in-memory store (nothing is kept; said
 * loudly). With {@code --data}: the embedded log engine, once it is bound here (until then a clear
 * refusal, never a silent in-memory store). Stateless.
 */
final class DefaultStores implements StoreFactory {

  @Override
  public Opened open(Optional<Path> dataDir, String fsync) {
    if (dataDir.isPresent()) {
      throw new CliFailure("--data needs the embedded log engine, which this build does not bind yet;"
          + " run without --data for an in-memory store", 3);
    }
    InMemoryEventStore store = new InMemoryEventStore();
    return new Opened(store, new ScanVerifier(store, true), "in-memory store (no --data: nothing is kept on disk)");
  }
}
