package dev.annals.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * The store's connections: a pool whose connections all have the store's schema as their search path
 * (so SQL names its tables unqualified), and the translation of a lost database into
 * {@link StoreUnavailableException}. The pool reconnects by itself when PostgreSQL comes back, so the
 * store works again without being reopened.
 *
 * <p>Thread-safe.
 */
final class Database implements AutoCloseable {

  /** SQLSTATEs (besides class 08, connection exception) that mean the server went away or refuses connections. */
  private static final Set<String> GONE = Set.of(
      "57P01", // admin_shutdown (pg_terminate_backend, pg_ctl stop -m fast)
      "57P02", // crash_shutdown
      "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
      "57P05", // idle_session_timeout
      "53300", // too_many_connections
      "53100", // disk_full
      "58030"); // io_error

  private static final Driver DRIVER = new Driver();

  /** The longest a store's session may sit idle inside a transaction before the server ends it. */
  static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  private final PostgresOptions options;
  private final HikariDataSource pool;

  private Database(PostgresOptions options, HikariDataSource pool) {
    this.options = options;
    this.pool = pool;
  }

  /** Starts the pool; connects lazily (the first {@link #connection()} says whether the database is there). */
  static Database open(PostgresOptions options) {
    HikariConfig c = new HikariConfig();
    PostgresUrl url = options.url();
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    url.password().ifPresent(c::setPassword);
    c.setPoolName("annals-pg-" + options.schema());
    c.setMaximumPoolSize(options.poolSize());
    c.setMinimumIdle(Math.min(2, options.poolSize()));
    c.setConnectionTimeout(options.connectTimeout().toMillis());
    c.setValidationTimeout(Math.min(options.connectTimeout().toMillis(), 5_000));
    c.setInitializationFailTimeout(-1); // open() reports an unreachable database itself, as unavailable
    c.setAutoCommit(true);
    c.setDataSourceProperties(driverProperties(options));
    return new Database(options, new HikariDataSource(c));
  }

  private static Properties driverProperties(PostgresOptions options) {
    Properties p = new Properties();
    p.setProperty("currentSchema", options.schema());
    p.setProperty("ApplicationName", "annals");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("connectTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
    // A writer that vanishes between its two round trips (its machine gone, no FIN) would hold the head
    // lock, and stop every process's appends, until TCP keepalive noticed; the server ends such a
    // transaction instead. A live writer is never idle in a transaction for more than milliseconds.
    // Every statement is planned for its own parameters and the table as it is now. A generic plan cached
    // while the store was small (a sequential scan: the tables start empty, and autovacuum has not yet
    // analysed them) would otherwise be kept by a long-lived connection while the table grows, turning
    // the append path's id and stream lookups and the readers' pages into scans of the whole table.
    p.setProperty("options", "-c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION_TIMEOUT.toMillis()
        + " -c plan_cache_mode=force_custom_plan");
    return p;
  }

  PostgresOptions options() {
    return options;
  }

  /** The schema holding the store's tables (every connection's search path). */
  String schema() {
    return options.schema();
  }

  /** The LISTEN/NOTIFY channel of this store (payload: the new head position). */
  String channel() {
    return options.notifyChannel();
  }

  /** The pool, for the read side. */
  DataSource pool() {
    return pool;
  }

  /**
   * A connection of its own, outside the pool, with the pool's settings (the head watcher's LISTEN
   * connection, which stays open), on {@link ListenSockets}. The caller closes it.
   */
  Connection openUnpooled() throws SQLException {
    Properties p = new Properties();
    p.putAll(driverProperties(options));
    p.putIfAbsent(ListenSockets.PROPERTY, ListenSockets.class.getName()); // unless the URL names its own
    p.setProperty("user", options.url().user());
    options.url().password().ifPresent(pw -> p.setProperty("password", pw));
    return DRIVER.connect(options.url().jdbcUrl(), p);
  }

  /**
   * A connection from the pool (close it to give it back).
   *
   * @throws StoreUnavailableException the database cannot be reached within the connect timeout
   */
  Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw unavailable("connecting", e);
    }
  }

  /** Closes the pool's idle connections (and those in use once returned): new ones replace them. */
  void evictIdle() {
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  /** Takes a broken connection out of the pool (the next one is new). */
  void evict(Connection c) {
    pool.evictConnection(c);
  }

  /**
   * Whether {@code e} means the database (or the connection to it) is gone, rather than a refusal of
   * one statement: connection exceptions (class 08), a terminated or shut down backend, a pool timeout,
   * an I/O error underneath.
   */
  static boolean isConnectionLoss(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || GONE.contains(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** The unavailable error a failed database call becomes, saying where and why (never a password). */
  StoreUnavailableException unavailable(String what, SQLException e) {
    SQLException root = e;
    String waited = "";
    if (e instanceof SQLTransientConnectionException && e.getCause() instanceof SQLException last) {
      root = last; // the pool's timeout carries the last connection attempt's failure: that is the reason
      waited = " (no connection within " + options.connectTimeout().toMillis() + " ms)";
    }
    boolean auth = isAuthentication(root);
    String why = auth ? " refused the connection" : isConnectionLoss(e) ? " is unreachable" : " failed";
    String state = root.getSQLState() == null ? "" : " [SQLSTATE " + root.getSQLState() + "]";
    String hint = auth ? "; the password comes from PGPASSWORD, else from the password file (PGPASSFILE, default"
        + " ~/.pgpass, lines host:port:database:user:password)" : "";
    return new StoreUnavailableException("PostgreSQL at " + options.url() + why + " while " + what + waited + ": "
        + root.getMessage() + state + hint, e);
  }

  private static boolean isAuthentication(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28")) {
        return true; // invalid_authorization_specification, invalid_password
      }
    }
    return false;
  }

  /** Closes every connection. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }
}
