package dev.annals.cli;

import dev.annals.client.ClientOptions;
import dev.annals.client.HttpEventStore;
import dev.annals.core.EventStore;
import dev.annals.log.Annals;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/**
 * How a command reaches an {@link EventStore}: straight on a data directory with
 * {@code --data DIR}, otherwise through a server's HTTP API with {@code --server URL} (default
 * {@code http://127.0.0.1:7070}; the API key, when auth is on, comes from {@code $ANNALS_API_KEY}).
 * A picocli mixin; one per command.
 */
final class StoreAccess {

  static final String DEFAULT_SERVER = "http://127.0.0.1:7070";

  @Option(names = "--data", paramLabel = "DIR", description = "Work straight on this data directory.")
  @Nullable Path dataDir;

  @Option(names = "--server", paramLabel = "URL", description = "The server to talk to (default: " + DEFAULT_SERVER
      + "; API key from $ANNALS_API_KEY).")
  @Nullable URI server;

  /** True when the command works on a data directory; refuses {@code --data} with {@code --server}. */
  boolean local() {
    if (dataDir != null && server != null) {
      throw new CliFailure("give --data or --server, not both", 2);
    }
    return dataDir != null;
  }

  /** Opens the store this command was pointed at. */
  EventStore open(boolean create) {
    if (local()) {
      return open(dataDir, create);
    }
    return new HttpEventStore(server != null ? server : URI.create(DEFAULT_SERVER),
        Optional.ofNullable(System.getenv("ANNALS_API_KEY")).filter(k -> !k.isBlank())
            .map(ClientOptions::apiKey).orElse(ClientOptions.defaults()));
  }

  /**
   * Opens the embedded log in {@code dataDir}. Unless {@code create}, it must already hold a store
   * (see {@link #requireStore}): a command that only looks at data must not make a store where there
   * was none.
   */
  static EventStore open(Path dataDir, boolean create) {
    if (!create) {
      requireStore(dataDir);
    }
    return Annals.open(dataDir);
  }

  /**
   * Refuses a {@code --data} path that is not a directory holding a store's segment files; touches
   * nothing. Only {@code serve}, {@code import} and {@code append --create} make a new store, so a
   * mistyped path is an error naming it, not a new empty store.
   */
  static void requireStore(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      throw new CliFailure("no data directory at " + dataDir.toAbsolutePath().normalize() + "; nothing was created there"
          + " (serve, import and append --create make a new store)", 2);
    }
    if (!Annals.holdsLog(dataDir)) {
      throw new CliFailure("not an Annals data directory: " + dataDir.toAbsolutePath()
          + " holds no segment file (like 00000000000000000001.log); nothing was created there", 2);
    }
  }
}
