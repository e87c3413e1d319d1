package dev.annals.postgres;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh PostgreSQL stores for tests: one database per test JVM on {@link TestPostgres#shared()}, a new
 * schema per store (the cheapest way to an empty store), small pools (close every store: the server
 * takes 300 connections).
 */
public final class PgStores {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static String database;

  private PgStores() {}

  /** The test database's name on the shared server (created on first use). */
  public static synchronized String database() {
    if (database == null) {
      database = TestPostgres.shared().createDatabase();
    }
    return database;
  }

  /** Options for a new, empty store in a schema of its own. */
  public static PostgresOptions freshOptions() {
    LocalPostgres pg = TestPostgres.shared();
    return PostgresOptions.of(pg.url(database()).toString())
        .withSchema("t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet())
        .withPoolSize(3)
        .withConnectTimeout(Duration.ofSeconds(2));
  }

  /** A new, empty store (its recordedAt from the database's clock). */
  public static PostgresEventStore open() {
    return PostgresEventStore.open(freshOptions());
  }

  /** A new, empty store whose recordedAt comes from {@code clock} (the CQRS suites move time by hand). */
  public static PostgresEventStore open(Clock clock) {
    return PostgresEventStore.open(freshOptions().withClock(clock));
  }
}
