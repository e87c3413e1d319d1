package dev.annals.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options that say where a command's store is, the same on every command that opens one:
 * {@code --data DIR} (the embedded log in a data directory) or {@code --store URL} (a PostgreSQL
 * database), never both. A picocli mixin; {@link #location()} checks and converts what was given.
 */
final class StoreOptions {

  @Option(names = "--data", paramLabel = "DIR", description = "The store in this data directory (the embedded log).")
  @Nullable Path data;

  @Option(names = "--store", paramLabel = "URL",
      description = {"The store in this PostgreSQL database instead, as", "  postgresql://USER@HOST:PORT/DB or",
          "  jdbc:postgresql://HOST:PORT/DB?user=USER", "The password comes from PGPASSWORD or ~/.pgpass, never from the URL."})
  @Nullable String store;

  /** The location given, if any; refuses {@code --data} with {@code --store} and a URL that is not a PostgreSQL URL without password. */
  Optional<StoreLocation> location() {
    if (data != null && store != null) {
      throw new CliFailure(notBoth("--data", "--store"), 2);
    }
    if (data != null) {
      return Optional.of(new StoreLocation.DataDirectory(data));
    }
    if (store != null) {
      return Optional.of(StoreLocation.PostgresUrl.parse("--store", store));
    }
    return Optional.empty();
  }

  /** The option given ({@code --data} or {@code --store}), for messages; empty when neither. */
  Optional<String> given() {
    return data != null ? Optional.of("--data") : store != null ? Optional.of("--store") : Optional.empty();
  }

  /** The one message for two options that exclude each other. */
  static String notBoth(String one, String other) {
    return "give " + one + " or " + other + ", not both";
  }
}
