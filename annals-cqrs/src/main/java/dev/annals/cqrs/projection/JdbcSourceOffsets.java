package dev.annals.cqrs.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The external-source progress of {@link JdbcTarget}: one row per version, source and partition,
 * <pre>
 *   annals_projection_source (name, version, source, part) -> next_offset, position
 * </pre>
 * updated by a compare-and-set on {@code next_offset} inside the unit of work's transaction, so a
 * consumer that lost its partition cannot commit rows after the partition's new owner did. Stateless.
 */
final class JdbcSourceOffsets {

  static final String DDL = "CREATE TABLE IF NOT EXISTS annals_projection_source (name VARCHAR(64) NOT NULL,"
      + " version INTEGER NOT NULL, source VARCHAR(255) NOT NULL, part INTEGER NOT NULL, next_offset BIGINT NOT NULL,"
      + " position BIGINT NOT NULL, PRIMARY KEY (name, version, source, part))";
  static final String TABLE = "annals_projection_source";

  private JdbcSourceOffsets() {}

  /** Creates {@code partitions} rows with nothing committed when there are none; returns the stored rows. */
  static List<SourceOffset> open(Connection c, ProjectionId id, String source, int partitions) throws SQLException {
    List<SourceOffset> stored = read(c, id, source);
    if (!stored.isEmpty()) {
      return stored;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
        + " (name, version, source, part, next_offset, position) VALUES (?, ?, ?, ?, ?, 0)"
        + " ON CONFLICT (name, version, source, part) DO NOTHING")) { // members of a group start together
      for (int p = 0; p < partitions; p++) {
        ps.setString(1, id.name());
        ps.setInt(2, id.version());
        ps.setString(3, source);
        ps.setInt(4, p);
        ps.setLong(5, SourceOffset.NONE);
        ps.executeUpdate();
      }
    }
    return read(c, id, source);
  }

  static List<SourceOffset> read(Connection c, ProjectionId id, String source) throws SQLException {
    List<SourceOffset> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT part, next_offset, position FROM " + TABLE
        + " WHERE name = ? AND version = ? AND source = ? ORDER BY part")) {
      ps.setString(1, id.name());
      ps.setInt(2, id.version());
      ps.setString(3, source);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SourceOffset(rs.getInt(1), rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }

  /**
   * Moves a partition's progress to {@code next} if its offset is {@code expected}, in the caller's
   * transaction.
   *
   * @throws ProjectionTarget.SourceFencedException the stored offset is another (the caller rolls back)
   */
  static void compareAndSet(JdbcSession session, ProjectionId id, String source, long expected, SourceOffset next)
      throws SQLException {
    int n = session.update("UPDATE " + TABLE + " SET next_offset = ?, position = ? WHERE name = ? AND version = ?"
        + " AND source = ? AND part = ? AND next_offset = ?", next.nextOffset(), next.position(), id.name(),
        id.version(), source, next.partition(), expected);
    if (n == 0) {
      long stored = session.queryOne("SELECT next_offset FROM " + TABLE + " WHERE name = ? AND version = ?"
          + " AND source = ? AND part = ?", rs -> rs.getLong(1), id.name(), id.version(), source, next.partition())
          .orElseThrow(() -> new IllegalStateException(id + " has no stored partition " + next.partition()
              + " of " + source));
      throw new ProjectionTarget.SourceFencedException(id, source, next.partition(), expected, stored);
    }
  }
}
