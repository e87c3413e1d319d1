package dev.annals.postgres;

import dev.annals.core.InvalidInputException;
import dev.annals.core.Limits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a {@link PostgresEventStore}. Immutable; {@code with*} methods return modified copies.
 *
 * <ul>
 *   <li>{@code url}: where the database is and as whom to connect ({@link PostgresUrl}); the password
 *       comes from {@code PGPASSWORD} or the password file, never from the URL;
 *   <li>{@code schema}: the PostgreSQL schema holding the store's tables (default {@value #DEFAULT_SCHEMA},
 *       or the URL's {@code ?schema=}); lowercase letters, digits and {@code _}, at most
 *       {@value #MAX_SCHEMA_CHARS} characters. Several stores can share a database, one schema each;
 *   <li>{@code poolSize}: connections in the pool (default {@value #DEFAULT_POOL_SIZE}, at least
 *       {@value #MIN_POOL_SIZE}); the writer thread uses one while it writes a group, readers
 *       the rest (a subscription's LISTEN connection is its own, outside the pool);
 *   <li>{@code connectTimeout}: how long an operation waits for a connection before it fails as
 *       unavailable (default 5 s);
 *   <li>{@code clock}: a test clock for {@code recordedAt}; absent (the default) means the database's
 *       clock ({@code clock_timestamp()}), the only right choice when several processes write;
 *   <li>{@code limits}: the event model's input limits.
 * </ul>
 */
public final class PostgresOptions {

  public static final String DEFAULT_SCHEMA = "annals";
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int MAX_SCHEMA_CHARS = 48;
  /** The writers' connections (two) and at least one for reads. */
  public static final int MIN_POOL_SIZE = 3;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final PostgresUrl url;
  private final String schema;
  private final int poolSize;
  private final Duration connectTimeout;
  private final Optional<Clock> clock;
  private final Limits limits;

  private PostgresOptions(PostgresUrl url, String schema, int poolSize, Duration connectTimeout,
      Optional<Clock> clock, Limits limits) {
    this.url = url;
    this.schema = validateSchema(schema);
    if (poolSize < MIN_POOL_SIZE || poolSize > 1000) {
      throw new InvalidInputException("the pool size must be " + MIN_POOL_SIZE + "..1000 connections, was " + poolSize);
    }
    this.poolSize = poolSize;
    if (connectTimeout.toMillis() < 250) {
      throw new InvalidInputException("the connect timeout must be at least 250 ms, was " + connectTimeout.toMillis() + " ms");
    }
    this.connectTimeout = connectTimeout;
    this.clock = clock;
    this.limits = limits;
  }

  /** Options for the store at {@code url} (see {@link PostgresUrl}), the rest defaults. */
  public static PostgresOptions of(String url) {
    return of(PostgresUrl.parse(url));
  }

  /** Options for the store at {@code url}, the rest defaults (the schema: the URL's, else {@value #DEFAULT_SCHEMA}). */
  public static PostgresOptions of(PostgresUrl url) {
    return new PostgresOptions(url, url.schema().orElse(DEFAULT_SCHEMA), DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT,
        Optional.empty(), Limits.defaults());
  }

  public PostgresUrl url() {
    return url;
  }

  public String schema() {
    return schema;
  }

  public int poolSize() {
    return poolSize;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The test clock; empty: the database's clock. */
  public Optional<Clock> clock() {
    return clock;
  }

  public Limits limits() {
    return limits;
  }

  public PostgresOptions withSchema(String newSchema) {
    return new PostgresOptions(url, newSchema, poolSize, connectTimeout, clock, limits);
  }

  public PostgresOptions withPoolSize(int connections) {
    return new PostgresOptions(url, schema, connections, connectTimeout, clock, limits);
  }

  public PostgresOptions withConnectTimeout(Duration timeout) {
    return new PostgresOptions(url, schema, poolSize, Objects.requireNonNull(timeout, "timeout"), clock, limits);
  }

  /** Stamps {@code recordedAt} from {@code testClock} instead of the database's clock (tests only: one writer). */
  public PostgresOptions withClock(Clock testClock) {
    return new PostgresOptions(url, schema, poolSize, connectTimeout, Optional.of(testClock), limits);
  }

  public PostgresOptions withLimits(Limits newLimits) {
    return new PostgresOptions(url, schema, poolSize, connectTimeout, clock, Objects.requireNonNull(newLimits));
  }

  /** The channel appends notify on (payload: the new head position), derived from the schema. */
  public String notifyChannel() {
    return schema + "_head";
  }

  static String validateSchema(String schema) {
    if (!schema.matches("[a-z_][a-z0-9_]*") || schema.length() > MAX_SCHEMA_CHARS || schema.startsWith("pg_")) {
      throw new InvalidInputException("the schema name must be lowercase letters, digits and _ (not starting with a"
          + " digit or pg_), at most " + MAX_SCHEMA_CHARS + " characters, was '" + schema + "'");
    }
    return schema;
  }

  @Override
  public String toString() {
    return url + "?schema=" + schema;
  }
}
