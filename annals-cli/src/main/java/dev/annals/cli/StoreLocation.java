package dev.annals.cli;

import dev.annals.core.EventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.InvalidInputException;
import dev.annals.core.StoredEventReader;
import dev.annals.log.Annals;
import dev.annals.postgres.PostgresEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command's store is: the embedded log in a data directory ({@code --data DIR}), a PostgreSQL
 * database ({@code --store URL}), or a throwaway store in memory ({@code serve --in-memory}). Each one
 * opens its store; the caller closes it. Immutable.
 */
sealed interface StoreLocation {

  /**
   * Opens the store here. {@code create}: whether a data directory that holds no store may become a new
   * one (a PostgreSQL database always gets its tables on first open; memory always starts empty).
   */
  default EventStore open(boolean create) {
    return openEngine(create).store();
  }

  /**
   * Opens the store here as {@link #open} does, handing its engine in both roles: the {@code EventStore}
   * and the {@link StoredEventReader} an exporter reads. The caller closes {@link Engine#store()}.
   */
  Engine openEngine(boolean create);

  /** One open engine in two roles (the same object): the store, and its stored events for an exporter. */
  record Engine(EventStore store, StoredEventReader stored) {
    static <S extends EventStore & StoredEventReader> Engine of(S engine) {
      return new Engine(engine, engine);
    }
  }

  /** The engine's name as {@code /health} shows it: {@code log}, {@code postgresql} or {@code memory}. */
  String engine();

  /** This location in words, for what a command prints (never a password: a URL here holds none). */
  String describe();

  /** The embedded log in a data directory. */
  record DataDirectory(Path dir) implements StoreLocation {

    @Override
    public Engine openEngine(boolean create) {
      if (!create) {
        requireStore();
      }
      return Engine.of(Annals.open(dir));
    }

    /**
     * Refuses a path that is not a directory holding a store's segment files; touches nothing. Only
     * {@code serve}, {@code import} and {@code append --create} make a new store, so a mistyped path is
     * an error naming it, not a new empty store.
     */
    void requireStore() {
      if (!Files.isDirectory(dir)) {
        throw new CliFailure("no data directory at " + dir.toAbsolutePath().normalize() + "; nothing was created there"
            + " (serve, import and append --create make a new store)", 2);
      }
      if (!Annals.holdsLog(dir)) {
        throw new CliFailure("not an Annals data directory: " + dir.toAbsolutePath()
            + " holds no segment file (like 00000000000000000001.log); nothing was created there", 2);
      }
    }

    @Override
    public String engine() {
      return "log";
    }

    @Override
    public String describe() {
      return "the data directory " + dir.toAbsolutePath().normalize();
    }
  }

  /**
   * A PostgreSQL database, {@code postgresql://USER@HOST:PORT/DB} or {@code jdbc:postgresql://...} as
   * given; never with a password (see {@link #parse}). The store creates its tables there on first open.
   */
  record PostgresUrl(String url) implements StoreLocation {

    /**
     * The URL given to {@code option} (e.g. {@code --store}), checked by the engine's own reading of it:
     * {@code postgresql://USER@HOST:PORT/DB} or {@code jdbc:postgresql://HOST:PORT/DB?user=USER}, naming a
     * host and a database, and holding no password (a command line is visible to every user of the machine
     * in the process list, and stays in shell history). Anything else is a one-line error naming the
     * option and what to give instead.
     */
    static PostgresUrl parse(String option, String text) {
      String url = text.strip();
      try {
        dev.annals.postgres.PostgresUrl.parse(url, Map.of());
      } catch (InvalidInputException e) {
        String hint = dev.annals.postgres.PostgresUrl.isPostgres(url) ? ""
            : !url.contains("://") ? "; '" + url + "' is not a URL (a data directory goes with --data DIR)"
            : "; '" + url + "' is not one";
        throw new CliFailure(option + ": " + e.getMessage() + hint, 2);
      }
      return new PostgresUrl(url);
    }

    @Override
    public Engine openEngine(boolean create) {
      return Engine.of(PostgresEventStore.open(url));
    }

    @Override
    public String engine() {
      return "postgresql";
    }

    @Override
    public String describe() {
      return "the PostgreSQL database " + url;
    }
  }

  /** A store in memory: it keeps nothing once closed. */
  record InMemory() implements StoreLocation {

    @Override
    public Engine openEngine(boolean create) {
      return Engine.of(new InMemoryEventStore());
    }

    @Override
    public String engine() {
      return "memory";
    }

    @Override
    public String describe() {
      return "an in-memory store";
    }
  }
}
