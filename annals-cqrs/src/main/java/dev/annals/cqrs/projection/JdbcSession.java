package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a JDBC projection's appliers write through: its connection, inside the unit of work's
 * transaction. SQL names the read model's tables in braces, {@code {balances}}, which become the
 * version's physical table (on SQLite {@code balances_v2}); so one applier builds any version. Prepared
 * statements are cached per SQL text.
 *
 * <p>{@link #write} queues a write whose update count the applier does not need; queued writes run as
 * JDBC batches (one call into the driver for many rows: with SQLite about twice the rows per second of
 * one {@code executeUpdate} each), in the order queued, before anything else runs through this session
 * and before the unit of work commits. Everything else runs at once.
 *
 * <p>Not thread-safe: one partition's thread.
 */
public final class JdbcSession {

  private static final Pattern TABLE = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

  private final Connection connection;
  private final ProjectionId id;
  private final SqlDialect dialect;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  /** Queued writes: all of one statement ({@link #write} runs the queue first when the SQL changes). */
  private @Nullable PreparedStatement queued;
  private @Nullable String queuedTemplate;
  private int queuedRows;

  /** Queued rows that make a batch run without waiting for the next flush. */
  public static final int MAX_QUEUED = 1_000;

  JdbcSession(Connection connection, ProjectionId id, SqlDialect dialect) {
    this.connection = connection;
    this.id = id;
    this.dialect = dialect;
  }

  /**
   * The connection, in the unit of work's transaction; do not commit or roll back on it. Queued writes
   * run first, so what the caller does with it comes after them.
   */
  public Connection connection() throws SQLException {
    flush();
    return connection;
  }

  /** The physical name of a logical table for this version. */
  public String table(String logical) {
    return dialect.physicalTable(id, logical);
  }

  /** {@code sql} with each {@code {table}} replaced by its physical name. */
  public String sql(String template) {
    Matcher m = TABLE.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(table(m.group(1))));
    }
    return m.appendTail(sb).toString();
  }

  /** A cached prepared statement for {@code template}; queued writes run first. */
  public PreparedStatement prepare(String template) throws SQLException {
    flush();
    return statement(template);
  }

  private PreparedStatement statement(String template) throws SQLException {
    PreparedStatement ps = statements.get(template);
    if (ps == null) {
      ps = connection.prepareStatement(sql(template));
      statements.put(template, ps);
    }
    return ps;
  }

  /** Runs an INSERT/UPDATE/DELETE with positional parameters; returns the update count. */
  public int update(String template, Object... params) throws SQLException {
    PreparedStatement ps = prepare(template);
    bind(ps, params);
    return ps.executeUpdate();
  }

  /**
   * Queues an INSERT/UPDATE/DELETE with positional parameters, for when the update count does not
   * matter: the fast way to write one row per event. It runs in order with everything else this session
   * runs, at the latest when the unit of work commits. A failing write is reported when its batch runs;
   * the runner then applies that unit's events one by one to find the event it belongs to.
   */
  public void write(String template, Object... params) throws SQLException {
    if (queued != null && !template.equals(queuedTemplate)) {
      flush();
    }
    PreparedStatement ps = statement(template);
    bind(ps, params);
    ps.addBatch();
    queued = ps;
    queuedTemplate = template;
    if (++queuedRows >= MAX_QUEUED) {
      flush();
    }
  }

  /** Runs the queued writes. */
  void flush() throws SQLException {
    PreparedStatement ps = queued;
    if (ps != null) {
      queued = null;
      queuedTemplate = null;
      queuedRows = 0;
      ps.executeBatch();
    }
  }

  /** Forgets the queued writes (the unit of work rolls back). */
  void discard() {
    PreparedStatement ps = queued;
    queued = null;
    queuedTemplate = null;
    queuedRows = 0;
    if (ps != null) {
      try {
        ps.clearBatch();
      } catch (SQLException ignored) {
        // The statement is closed with the connection anyway.
      }
    }
  }

  /** Runs DDL or other SQL without parameters; queued writes run first. */
  public void execute(String template) throws SQLException {
    flush();
    try (Statement s = connection.createStatement()) {
      s.execute(sql(template));
    }
  }

  /** The first row of a query, mapped. */
  public <T> Optional<T> queryOne(String template, RowMapper<T> mapper, Object... params) throws SQLException {
    PreparedStatement ps = prepare(template);
    bind(ps, params);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (p instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (p instanceof String s) {
        ps.setString(i + 1, s);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }

  void closeStatements() {
    discard();
    for (PreparedStatement ps : java.util.List.copyOf(statements.values())) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // Closing anyway.
      }
    }
    statements.clear();
  }
}
