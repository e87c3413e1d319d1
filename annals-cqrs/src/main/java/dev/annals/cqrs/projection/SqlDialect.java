package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between databases for {@link JdbcTarget}: how connections are opened and configured.
 * Everything else the target runs is plain SQL that SQLite and PostgreSQL both accept
 * ({@code CREATE TABLE IF NOT EXISTS}, {@code EXCEPT}, views and DDL inside transactions).
 */
public interface SqlDialect {

  /** A connection for units of work: auto-commit off, writes serialised as the database needs. */
  Connection openWriter() throws SQLException;

  /** A connection for queries and for reading checkpoints; auto-commit on. */
  Connection openReader() throws SQLException;

  /** For status and logs, e.g. {@code sqlite:/data/projections.db}. */
  String describe();
}
