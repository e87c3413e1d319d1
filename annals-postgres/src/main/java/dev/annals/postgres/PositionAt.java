package dev.annals.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/**
 * {@code positionAt(instant)}: the first position recorded at or after an instant, by a binary search of
 * the primary key: positions are gap-free from 1 and recordedAt never decreases along them, so about 30
 * lookups answer over a billion events, in one statement (one snapshot) and one round trip. An index of
 * its own on {@code recorded_at} would cost every append. Thread-safe.
 *
 * <p><b>Why the answer for a past instant never changes.</b> An append transaction takes the head row
 * FOR UPDATE, then stamps its events (the database clock, never below the head's recordedAt) and holds
 * the lock until COMMIT. So while it is in flight it may hold events stamped before the instant that
 * no snapshot shows yet. Two cases:
 * <ul>
 *   <li>Some committed event is stamped at or after the instant: the in-flight transaction stamped after
 *       it (it locked the head after that event committed), so at or after the instant too; nothing
 *       before the answer can still appear. Answered at once.
 *   <li>None is: this raises the head row's {@code stamp_floor} to the instant (never beyond the
 *       database's clock). The update waits until any in-flight append has committed or rolled back, and
 *       then asks again. Every append that locks the head after that is stamped at or after the floor:
 *       one decided under the lock stamps a clock reading taken after this moment (and at least the
 *       floor); one decided in advance ({@link ExpectedHead}) with an earlier reading is refused by the
 *       database and decided again under the lock. The row is locked only for that one statement
 *       (autocommit), so writers wait for its COMMIT at most.
 * </ul>
 * Imports bring their own recordedAt and are the exception, as on every engine.
 */
final class PositionAt {

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range every engine answers inside (as the log). */
  private static final long MIN_SECOND = -62_135_596_800L;
  private static final long MAX_SECOND = 253_402_300_799L;

  private final DataSource pool;
  private final String headSql;
  private final String findSql;
  private final String waitSql;

  PositionAt(DataSource pool, SchemaTables tables) {
    this.pool = pool;
    this.headSql = "SELECT coalesce((SELECT position FROM " + tables.head() + "), 0)";
    // [lo, hi] holds the answer, hi = head + 1 standing for "none": each step reads the middle event
    this.findSql = "WITH RECURSIVE h(head) AS (" + headSql + "), s(lo, hi) AS (SELECT 1::bigint, head + 1 FROM h"
        + " UNION ALL SELECT CASE WHEN m.later THEN s.lo ELSE (s.lo + s.hi) / 2 + 1 END,"
        + " CASE WHEN m.later THEN (s.lo + s.hi) / 2 ELSE s.hi END"
        + " FROM s LEFT JOIN LATERAL (SELECT e.recorded_at >= ? AS later FROM " + tables.events()
        + " e WHERE e.position = (s.lo + s.hi) / 2 OFFSET 0) m ON true WHERE s.lo < s.hi)"
        + " SELECT h.head, s.lo FROM h, s WHERE s.lo = s.hi";
    // Its own small transaction, one round trip. Not waiting for its WAL flush: the floor matters to groups
    // decided in advance on a clock reading taken before it, which a crash of the server fails anyway
    // (their connections break, and they are decided again under the head lock).
    this.waitSql = "BEGIN; SET LOCAL synchronous_commit TO off; UPDATE " + tables.head()
        + " SET stamp_floor = greatest(stamp_floor, least(?, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint));"
        + " COMMIT";
  }

  long positionAt(Instant instant) {
    if (instant.getEpochSecond() < MIN_SECOND) {
      return 1;
    }
    try (Connection c = pool.getConnection()) {
      if (instant.getEpochSecond() > MAX_SECOND) {
        return head(c) + 1;
      }
      // recorded_at has microseconds: "at or after" an instant between two microseconds is at or after the later
      Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
      Instant bound = micros.equals(instant) ? micros : micros.plus(1, ChronoUnit.MICROS);
      OffsetDateTime at = OffsetDateTime.ofInstant(bound, ZoneOffset.UTC);
      Answer first = find(c, at);
      if (first.found()) {
        return first.position();
      }
      try (PreparedStatement ps = c.prepareStatement(waitSql)) {
        ps.setLong(1, Math.multiplyExact(bound.getEpochSecond(), 1_000_000L) + bound.getNano() / 1_000);
        ps.execute(); // returns once no append holds the head
      }
      if (!c.getAutoCommit()) {
        c.commit(); // let writers go before asking again
      }
      return find(c, at).position();
    } catch (SQLException e) {
      throw ReadFailures.of("finding a position by time", e);
    }
  }

  /** The statement that finds the position; its one parameter: the instant (a timestamptz). */
  String findSql() {
    return findSql;
  }

  /** The position found, or head + 1 when no event is recorded at or after the instant. */
  private record Answer(long position, boolean found) {}

  private Answer find(Connection c, OffsetDateTime at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(findSql)) {
      ps.setObject(1, at);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long head = rs.getLong(1);
        long position = rs.getLong(2);
        return new Answer(position, position <= head);
      }
    }
  }

  private long head(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(headSql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
