package dev.annals.cli;

import dev.annals.core.EventStore;
import dev.annals.log.Annals;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a command reaches an {@link EventStore}. Today: straight on a data directory ({@code --data});
 * a {@code --server} option can swap in the HTTP client here without touching the commands.
 */
final class StoreAccess {

  private StoreAccess() {}

  /** Opens the embedded log in {@code dataDir} (which must exist unless {@code create}). */
  static EventStore open(Path dataDir, boolean create) {
    if (!create && !Files.isDirectory(dataDir)) {
      throw new CliFailure("no data directory at " + dataDir, 2);
    }
    return Annals.open(dataDir);
  }
}
