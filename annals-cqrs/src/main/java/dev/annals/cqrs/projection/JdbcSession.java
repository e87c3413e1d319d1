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

/**
 * What a JDBC projection's appliers write through: its connection, inside the unit of work's
 * transaction. SQL names the read model's tables in braces, {@code {balances}}, which become the
 * version's physical table ({@code balances_v2}); so one applier builds any version. Prepared
 * statements are cached per SQL text.
 *
 * <p>Not thread-safe: one partition's thread.
 */
public final class JdbcSession {

  private static final Pattern TABLE = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

  private final Connection connection;
  private final int version;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  JdbcSession(Connection connection, int version) {
    this.connection = connection;
    this.version = version;
  }

  /** The connection, in the unit of work's transaction; do not commit or roll back on it. */
  public Connection connection() {
    return connection;
  }

  /** The physical name of a logical table for this version. */
  public String table(String logical) {
    return physical(logical, version);
  }

  static String physical(String logical, int version) {
    return logical + "_v" + version;
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

  /** A cached prepared statement for {@code template}. */
  public PreparedStatement prepare(String template) throws SQLException {
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

  /** Runs DDL or other SQL without parameters. */
  public void execute(String template) throws SQLException {
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
