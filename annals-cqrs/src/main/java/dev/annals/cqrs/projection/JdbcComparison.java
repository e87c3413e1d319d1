package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares two versions of a JDBC read model table by table: row counts, and a sample of the rows each
 * has and the other lacks ({@code EXCEPT}), on one connection inside the caller's read transaction.
 */
final class JdbcComparison {

  private JdbcComparison() {
  }

  static Comparison compare(Connection c, SqlDialect dialect, Projection<JdbcSession> live,
      Projection<JdbcSession> shadow, int sampleSize, long livePos, long shadowPos) throws SQLException {
    Set<String> names = new LinkedHashSet<>(live.tables());
    names.addAll(shadow.tables());
    List<Comparison.TableComparison> out = new ArrayList<>();
    for (String t : names) {
      String a = dialect.physicalTable(live.id(), t);
      String b = dialect.physicalTable(shadow.id(), t);
      boolean inA = live.tables().contains(t);
      boolean inB = shadow.tables().contains(t);
      long ca = inA ? count(c, a) : 0;
      long cb = inB ? count(c, b) : 0;
      List<String> onlyA = inA ? (inB ? except(c, a, b, sampleSize) : sample(c, a, sampleSize)) : List.of();
      List<String> onlyB = inB ? (inA ? except(c, b, a, sampleSize) : sample(c, b, sampleSize)) : List.of();
      out.add(new Comparison.TableComparison(t, ca, cb, onlyA, onlyB));
    }
    return new Comparison(live.id(), shadow.id(), livePos, shadowPos, out);
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> except(Connection c, String a, String b, int limit) throws SQLException {
    // On PostgreSQL a failed statement aborts the transaction: a savepoint keeps the comparison going.
    boolean inTransaction = !c.getAutoCommit();
    java.sql.Savepoint sp = inTransaction ? c.setSavepoint() : null;
    try {
      return rows(c, "SELECT * FROM " + a + " EXCEPT SELECT * FROM " + b, limit);
    } catch (SQLException e) {
      if (sp != null) {
        c.rollback(sp);
      }
      return List.of("(cannot compare rows, the columns differ: " + e.getMessage() + ")");
    } finally {
      if (sp != null) {
        try {
          c.releaseSavepoint(sp);
        } catch (SQLException ignored) {
          // Rolled back to it already, or the driver forgets it at rollback.
        }
      }
    }
  }

  private static List<String> sample(Connection c, String table, int limit) throws SQLException {
    return rows(c, "SELECT * FROM " + table, limit);
  }

  private static List<String> rows(Connection c, String sql, int limit) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (out.size() < limit && rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          if (i > 1) {
            sb.append(", ");
          }
          sb.append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }
}
