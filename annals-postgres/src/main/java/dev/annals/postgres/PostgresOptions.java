package dev.annals.postgres;

/**
 * How to open a {@link PostgresEventStore}. SKELETON: the write side's owner fills it in (the URL
 * parsed into a JDBC URL, user and password from PGPASSWORD or ~/.pgpass; the schema, default
 * {@code annals}; the connection pool size; a Clock override for tests, default the database's clock).
 */
public final class PostgresOptions {
  private PostgresOptions() {}
}
