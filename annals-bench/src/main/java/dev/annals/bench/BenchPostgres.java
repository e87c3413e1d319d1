package dev.annals.bench;

import dev.annals.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The throwaway PostgreSQL of one bench run, shared by every {@code pg-*} row: started on first use
 * (the rows that do not touch PostgreSQL never pay for it), stopped and removed by {@link #close()}.
 * When it cannot start (no binaries on this machine, no {@code postgres} user when running as root),
 * every pg row reads why from {@link #availability()} and prints it as a skipped row; the first failure
 * is kept, so the start is tried once per run. Thread-safe.
 */
public final class BenchPostgres implements AutoCloseable {

  /** Whether the run has a PostgreSQL, and if not, why. */
  sealed interface Availability {
    /** The server is up; each row creates its own databases on it. */
    record Up(LocalPostgres server) implements Availability {}

    /** No server: {@code why} says so in words for the row. */
    record Down(String why) implements Availability {}
  }

  /** Starts the server on demand; the run's own, closed with this. */
  static BenchPostgres startedOnDemand() {
    return new BenchPostgres(null, null, true);
  }

  /** A server somebody else owns (a test's); {@link #close()} leaves it running. */
  static BenchPostgres of(LocalPostgres server) {
    return new BenchPostgres(server, null, false);
  }

  /** No server for this run. */
  static BenchPostgres none(String why) {
    return new BenchPostgres(null, why, false);
  }

  private final boolean owned;
  private @Nullable LocalPostgres server;
  private @Nullable String down;
  /** Databases filled once and shared by several rows (the read rows' million events), by key. */
  private final Map<String, String> shared = new HashMap<>();

  private BenchPostgres(@Nullable LocalPostgres server, @Nullable String down, boolean owned) {
    this.server = server;
    this.down = down;
    this.owned = owned;
  }

  synchronized Availability availability() {
    if (server != null) {
      return new Availability.Up(server);
    }
    if (down != null || !owned) {
      return new Availability.Down(down != null ? down : "no PostgreSQL was given to this run");
    }
    if (LocalPostgres.findBinaries().isEmpty()) {
      down = LocalPostgres.missingBinariesHint();
    } else {
      try {
        server = LocalPostgres.start();
        return new Availability.Up(server);
      } catch (RuntimeException e) {
        down = "the throwaway PostgreSQL did not start: " + firstLine(e.getMessage());
      }
    }
    return new Availability.Down(down);
  }

  /** Fills a new, empty database. */
  @FunctionalInterface
  interface Fill {
    void into(String database) throws Exception;
  }

  /**
   * The database filled for {@code key} by {@code fill}, filled on the first call only: the read rows
   * share one million-event store instead of writing it twice. A fill that fails is not kept.
   */
  synchronized String sharedDatabase(String key, LocalPostgres on, Fill fill) throws Exception {
    String db = shared.get(key);
    if (db == null) {
      db = on.createDatabase();
      fill.into(db);
      shared.put(key, db);
    }
    return db;
  }

  /**
   * Writes out the server's dirty pages now, so a checkpoint does not land inside the next timed phase
   * (it would tax whichever side it hit).
   */
  static void checkpoint(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
  }

  @Override
  public synchronized void close() {
    if (owned && server != null) {
      server.close();
      server = null;
      down = "the run's PostgreSQL was stopped";
    }
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
