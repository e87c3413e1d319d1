package dev.annals.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The read baseline of the pg rows: plain pgjdbc SELECTs of the engine's own event rows, in pages of the
 * same size the engine reads, keyed by position, each column taken as bytes ({@code getBytes}) and not
 * decoded into events. What the engine adds on top is building the events.
 */
final class RawPgReads {

  private final String jdbcUrl;
  private final String table;

  /** The engine's event table in the database at {@code jdbcUrl}, wherever its schema put it. */
  RawPgReads(String jdbcUrl) throws SQLException {
    this.jdbcUrl = jdbcUrl;
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement s = c.prepareStatement("SELECT table_schema FROM information_schema.tables"
            + " WHERE table_name = 'annals_events' ORDER BY table_schema");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no annals_events table in " + jdbcUrl);
      }
      this.table = "\"" + rs.getString(1) + "\".annals_events";
    }
  }

  /**
   * Reads every row from position 1 in pages of {@code pageSize}; returns how many, after checking
   * that the positions run 1, 2, 3, ... without a gap.
   */
  long selectAll(int pageSize) throws SQLException {
    long next = 1;
    long bytes = 0;
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement page = c.prepareStatement("SELECT position, stream, version, event_id, type, recorded_at,"
            + " effective_at, effective_nanos, data, metadata FROM " + table
            + " WHERE position >= ? ORDER BY position LIMIT " + pageSize)) {
      while (true) {
        page.setLong(1, next);
        int n = 0;
        try (ResultSet rs = page.executeQuery()) {
          while (rs.next()) {
            long position = rs.getLong(1);
            if (position != next) {
              throw new IllegalStateException("expected position " + next + ", read " + position);
            }
            for (int col = 2; col <= 10; col++) {
              bytes += rs.getBytes(col).length;
            }
            next++;
            n++;
          }
        }
        if (n < pageSize) {
          if (bytes < 0) {
            throw new IllegalStateException("overflow"); // keeps the reads from being optimized away
          }
          return next - 1;
        }
      }
    }
  }
}
