package dev.annals.cli;

import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * A plain JDBC connection to the database of a {@code --store} URL, for the commands that read or fill a
 * PostgreSQL store's tables straight ({@code verify --store}, {@code copy}). The one place that turns
 * {@code postgresql://USER@HOST:PORT/DB} into a JDBC URL; the password comes from {@code PGPASSWORD} or
 * (pgjdbc's own lookup) {@code ~/.pgpass}. To be replaced by the engine's own connection options once the
 * engine exposes them.
 */
final class PostgresConnections {

  private PostgresConnections() {}

  /** Connects to the database at {@code where}; the caller closes the connection. */
  static Connection open(StoreLocation.PostgresUrl where) {
    String url = where.url().strip();
    Properties props = new Properties();
    String jdbc;
    if (url.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
      jdbc = url;
    } else {
      String rest = url.substring("postgresql://".length());
      int at = rest.indexOf('@');
      int slash = rest.indexOf('/');
      if (at >= 0 && (slash < 0 || at < slash)) {
        props.setProperty("user", rest.substring(0, at));
        rest = rest.substring(at + 1);
      }
      jdbc = "jdbc:postgresql://" + rest;
    }
    String password = System.getenv("PGPASSWORD");
    if (password != null && !password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "annals");
    try {
      return DriverManager.getConnection(jdbc, props);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot reach " + where.describe() + ": " + e.getMessage(), e);
    }
  }
}
