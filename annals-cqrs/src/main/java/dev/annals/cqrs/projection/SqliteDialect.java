package dev.annals.cqrs.projection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * SQLite through org.xerial:sqlite-jdbc: one database file, WAL journal (readers never block the
 * writer), {@code synchronous=NORMAL} (a committed transaction survives a process crash; a power loss
 * may lose the last ones, together with their checkpoints, which stays consistent), writer
 * transactions begun {@code IMMEDIATE} so two writers wait for each other (busy timeout) instead of
 * failing on a lock upgrade. Thread-safe (stateless besides the path).
 */
public final class SqliteDialect implements SqlDialect {

  private final Path file;

  public SqliteDialect(Path file) {
    this.file = file.toAbsolutePath();
  }

  private Connection open(boolean writer) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(60_000);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setCacheSize(-32_000);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }

  // The driver re-opens a transaction right after each commit when auto-commit is off; with IMMEDIATE
  // mode an idle writer would then hold the write lock. So writers stay in auto-commit mode and the
  // transactions are explicit statements.
  @Override
  public void begin(Connection writer) throws SQLException {
    exec(writer, "BEGIN IMMEDIATE");
  }

  @Override
  public void commit(Connection writer) throws SQLException {
    exec(writer, "COMMIT");
  }

  @Override
  public void rollback(Connection writer) throws SQLException {
    if (!writer.getAutoCommit()) {
      writer.rollback();
      return;
    }
    exec(writer, "ROLLBACK");
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public Connection openWriter() throws SQLException {
    return open(true);
  }

  @Override
  public Connection openReader() throws SQLException {
    return open(false);
  }

  @Override
  public String describe() {
    return "sqlite:" + file;
  }
}
