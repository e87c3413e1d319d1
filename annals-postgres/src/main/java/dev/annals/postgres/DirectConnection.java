package dev.annals.postgres;

import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One plain connection to a store's database, outside any pool, its search path the store's schema: what
 * a verify or a copy needs (one long transaction), where a whole store would be a pool and threads for
 * nothing. The caller closes it.
 */
final class DirectConnection {

  private DirectConnection() {}

  /** Connects to the store {@code options} name; unreachable: {@link StoreUnavailableException}. */
  static Connection open(PostgresOptions options) {
    PostgresUrl url = options.url();
    Properties p = new Properties();
    p.setProperty("user", url.user());
    url.password().ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("currentSchema", options.schema());
    p.setProperty("ApplicationName", "annals");
    p.setProperty("connectTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
    try {
      return DriverManager.getConnection(url.jdbcUrl(), p);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot reach PostgreSQL at " + url + ": " + e.getMessage(), e);
    }
  }

  /** The store {@code options} name, in words for messages (never a password). */
  static String describe(PostgresOptions options) {
    return "the PostgreSQL store " + options.url()
        + (options.schema().equals(PostgresOptions.DEFAULT_SCHEMA) ? "" : " (schema " + options.schema() + ")");
  }
}
