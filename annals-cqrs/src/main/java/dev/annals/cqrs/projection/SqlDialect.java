package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between databases for {@link JdbcTarget}: how connections are opened and configured.
 * Everything else the target runs is plain SQL that SQLite and PostgreSQL both accept
 * ({@code CREATE TABLE IF NOT EXISTS}, {@code EXCEPT}, views and DDL inside transactions).
 */
public interface SqlDialect {

  /** A connection for units of work; transactions are driven by {@link #begin}, {@link #commit}, {@link #rollback}. */
  Connection openWriter() throws SQLException;

  /** Starts a write transaction on a writer connection (waiting for other writers as the database needs). */
  void begin(Connection writer) throws SQLException;

  void commit(Connection writer) throws SQLException;

  void rollback(Connection writer) throws SQLException;

  /** A connection for queries and for reading checkpoints; auto-commit on. */
  Connection openReader() throws SQLException;

  /** For status and logs, e.g. {@code sqlite:/data/projections.db}. */
  String describe();
}
