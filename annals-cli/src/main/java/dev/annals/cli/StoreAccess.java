package dev.annals.cli;

import dev.annals.client.ClientOptions;
import dev.annals.client.HttpEventStore;
import dev.annals.core.EventStore;
import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches an {@link EventStore}: straight on a store with {@code --data DIR} or
 * {@code --store URL} ({@link StoreOptions}), otherwise through a server's HTTP API with
 * {@code --server URL} (default {@code http://127.0.0.1:7070}; the API key, when auth is on, comes
 * from {@code $ANNALS_API_KEY}). A picocli mixin; one per command.
 */
final class StoreAccess {

  static final String DEFAULT_SERVER = "http://127.0.0.1:7070";

  @Mixin StoreOptions where;

  @Option(names = "--server", paramLabel = "URL", description = "The server to talk to (default: " + DEFAULT_SERVER
      + "; API key from $ANNALS_API_KEY).")
  @Nullable URI server;

  /**
   * The store this command works on straight, or empty when it goes through a server; refuses
   * {@code --server} with {@code --data} or {@code --store}.
   */
  Optional<StoreLocation> location() {
    Optional<String> given = where.given();
    if (given.isPresent() && server != null) {
      throw new CliFailure(StoreOptions.notBoth(given.get(), "--server"), 2);
    }
    return where.location();
  }

  /** The server this command talks to when it works on no store straight. */
  URI server() {
    return server != null ? server : URI.create(DEFAULT_SERVER);
  }

  /**
   * Opens the store this command was pointed at. {@code create}: whether a data directory holding no
   * store may become a new one (see {@link StoreLocation#open}).
   */
  EventStore open(boolean create) {
    Optional<StoreLocation> location = location();
    if (location.isPresent()) {
      return location.get().open(create);
    }
    return new HttpEventStore(server(),
        Optional.ofNullable(System.getenv("ANNALS_API_KEY")).filter(k -> !k.isBlank())
            .map(ClientOptions::apiKey).orElse(ClientOptions.defaults()));
  }
}
