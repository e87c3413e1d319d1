package dev.annals.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.annals.core.ChainHash;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ProjectionId;
import dev.annals.cqrs.projection.ReadModelException;
import dev.annals.cqrs.projection.SqlDialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Read models in the store's own PostgreSQL database (docs/projections.md): the JDBC projection target's
 * dialect. Beside a store in schema {@code S}, the read models live in schema {@code S_rm}: the bookkeeping
 * tables (checkpoints, parked events) and one view per logical table of each projection's live version,
 * which is what queries read (every connection has {@code S_rm} as its search path). Each projection version
 * has a schema of its own, {@code S_rm_<name>_v<version>}, holding its tables; dropping a version drops its
 * schema. Promotion re-creates the views in one transaction: PostgreSQL's DDL is transactional, so a reader
 * sees the old version or the new one, never a mix. Connections come from a small pool of their own on the
 * store's database and credentials. Thread-safe.
 */
public final class PostgresReadModels implements SqlDialect, AutoCloseable {

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
  private static final int MAX_IDENTIFIER = 63;
  private static final int POOL_SIZE = 16;

  private final String schema;
  private final String describe;
  private final HikariDataSource pool;

  private PostgresReadModels(PostgresOptions options) {
    this.schema = options.schema() + "_rm";
    this.describe = "postgresql:" + options.url() + " schema " + schema;
    HikariConfig c = new HikariConfig();
    PostgresUrl url = options.url();
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    url.password().ifPresent(c::setPassword);
    c.setPoolName("annals-read-models-" + options.schema());
    c.setMaximumPoolSize(POOL_SIZE);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(options.connectTimeout().toMillis());
    c.setValidationTimeout(Math.min(options.connectTimeout().toMillis(), 5_000));
    c.setInitializationFailTimeout(-1);
    c.setAutoCommit(true);
    Properties p = new Properties();
    p.setProperty("currentSchema", schema);
    p.setProperty("ApplicationName", "annals-read-models");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("connectTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
    c.setDataSourceProperties(p);
    this.pool = new HikariDataSource(c);
  }

  /**
   * The read models of {@code store}: opens their pool, creates schema {@code S_rm} and the bookkeeping
   * tables when missing (one server at a time: servers starting together wait for each other on an
   * advisory lock). Close the target, then {@link #close} the dialect ({@link Target#close} does both).
   *
   * @throws ReadModelException the database cannot be reached or refuses the schema
   */
  public static Target target(PostgresEventStore store) {
    return target(store.options());
  }

  static Target target(PostgresOptions options) {
    PostgresReadModels dialect = new PostgresReadModels(options);
    try (Connection c = dialect.pool.getConnection()) {
      long key = java.nio.ByteBuffer.wrap(ChainHash.sha256().digest(("annals-read-models/" + dialect.schema)
          .getBytes(StandardCharsets.UTF_8))).getLong();
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        lock.setLong(1, key);
        lock.execute();
      }
      try {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + dialect.schema);
        }
        return new Target(new JdbcTarget(dialect), dialect);
      } finally {
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          unlock.setLong(1, key);
          unlock.execute();
        }
      }
    } catch (SQLException | RuntimeException e) {
      dialect.close();
      throw e instanceof ReadModelException r ? r
          : new ReadModelException("cannot open the read models in " + dialect.describe + ": " + e.getMessage(), e);
    }
  }

  /** A JDBC target on PostgreSQL together with its dialect's pool, closed together. */
  public record Target(JdbcTarget target, PostgresReadModels dialect) implements AutoCloseable {
    @Override
    public void close() {
      try {
        target.close();
      } finally {
        dialect.close();
      }
    }
  }

  /** The schema the views and bookkeeping tables are in ({@code S_rm}). */
  public String schema() {
    return schema;
  }

  /** The schema of one projection version's tables. */
  public String versionSchema(ProjectionId id) {
    String name = schema + "_" + id.name() + "_v" + id.version();
    if (name.length() <= MAX_IDENTIFIER) {
      return name;
    }
    byte[] digest = ChainHash.sha256().digest(name.getBytes(StandardCharsets.UTF_8));
    String tag = HexFormat.of().formatHex(digest, 0, 4);
    return name.substring(0, MAX_IDENTIFIER - tag.length() - 1) + "_" + tag;
  }

  @Override
  public String physicalTable(ProjectionId id, String logical) {
    return versionSchema(id) + "." + logical;
  }

  @Override
  public void prepareVersion(Connection writer, ProjectionId id) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + versionSchema(id));
    }
  }

  @Override
  public void dropVersion(Connection writer, ProjectionId id) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + versionSchema(id) + " CASCADE");
    }
  }

  @Override
  public Connection openWriter() throws SQLException {
    Connection c = pool.getConnection();
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public void begin(Connection writer) throws SQLException {
    if (writer.getAutoCommit()) {
      writer.setAutoCommit(false);
    }
  }

  @Override
  public void commit(Connection writer) throws SQLException {
    writer.commit();
  }

  @Override
  public void rollback(Connection writer) throws SQLException {
    if (!writer.getAutoCommit()) {
      writer.rollback();
    }
  }

  @Override
  public Connection openReader() throws SQLException {
    Connection c = pool.getConnection();
    c.setAutoCommit(true);
    return c;
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public void close() {
    pool.close();
  }
}
