package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between databases for {@link JdbcTarget}: how connections are opened and configured, and
 * where a version's tables live. Everything else the target runs is plain SQL that SQLite and PostgreSQL both accept
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

  /**
   * The physical name of a version's logical table, as SQL names it: by default {@code logical_v<version>}
   * beside every other version's tables.
   */
  default String physicalTable(ProjectionId id, String logical) {
    return logical + "_v" + id.version();
  }

  /** Prepares what a version's tables need before its setup runs (in the setup's transaction). */
  default void prepareVersion(Connection writer, ProjectionId id) throws SQLException {
  }

  /** Removes what {@link #prepareVersion} made, once the version's tables are dropped (same transaction). */
  default void dropVersion(Connection writer, ProjectionId id) throws SQLException {
  }
}
