package dev.annals.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A group decided against the {@link ExpectedHead}, written in one round trip: one call of the schema's
 * {@code annals_append_group} in auto-commit mode, which takes the head lock, checks the expected head
 * and recordedAt, inserts the rows (the unique indexes check that no stream's next version and no event id
 * is written yet), upserts the streams, moves the head, notifies and commits. When an expectation was
 * wrong the database refuses the call, having written nothing, and the group goes the two-round-trip way
 * ({@link GroupTransaction}).
 *
 * <p>Writer thread only (not thread-safe).
 */
final class OneTripGroup {

  /** A call may be sent again when the head was found before the expected one (the group sent before it not yet committed). */
  static final int MAX_BEHIND_RETRIES = 8;
  private static final long BEHIND_PAUSE_NANOS = 100_000;

  /** SQLSTATEs of a refused call (nothing written): the function's own, and an event id written already. */
  static boolean isRefusal(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("AN") || state.equals("23505"));
  }

  /** The schema's (version 3) form of the function: see schema-3.sql. */
  static final String CALL = "SELECT annals_append_group(?::int8, ?::bytea, ?::int8, ?::int8[], ?::text[],"
      + " ?::int8[], ?::uuid[], ?::text[], ?::int8[], ?::int4[], ?::int4[], ?::int4[], ?::bytea[], ?::bytea[], ?::bytea[],"
      + " ?::bytea[], ?::text[], ?::int8[], ?::int8[], ?::int8, ?::bytea, ?::text)";

  private final Database db;

  OneTripGroup(Database db) {
    this.db = db;
  }

  /**
   * Sends {@code plan} on {@code c} (in auto-commit mode).
   *
   * @return the database's clock read under the head lock (microseconds), once committed; empty when the
   *     database refused the group (nothing written)
   * @throws SQLException any other failure (a lost connection leaves the outcome unknown)
   */
  Optional<Long> write(Connection c, ExpectedHead.Plan plan) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CALL)) {
      bind(c, s, plan);
      for (int behind = 0; ; behind++) {
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return Optional.of(r.getLong(1));
        } catch (SQLException e) {
          // the other writer's group, expected before this one, is not committed yet: try again, unless it failed
          if (!"AN004".equals(e.getSQLState()) || behind == MAX_BEHIND_RETRIES || !plan.stillExpected()) {
            throw e;
          }
          LockSupport.parkNanos(BEHIND_PAUSE_NANOS * (behind + 1));
        }
      }
    } catch (SQLException e) {
      if (isRefusal(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void bind(Connection c, PreparedStatement s, ExpectedHead.Plan plan) throws SQLException {
    bind(c, s, plan.expected(), plan.stager(), db.channel());
  }

  /**
   * Binds {@link #CALL}'s parameters: {@code stager}'s rows (appends only, one stamp), decided on top of
   * {@code expected}; {@code channel} is notified of the new head.
   */
  static void bind(Connection c, PreparedStatement s, Stager.Head expected, Stager stager, String channel)
      throws SQLException {
    RowArrays rows = RowArrays.of(stager);
    Stager.Head after = stager.head();
    int p = 1;
    s.setLong(p++, expected.position());
    s.setBytes(p++, expected.chain());
    s.setLong(p++, after.micros()); // the group's one stamp: every row's recordedAt, and the head's after it
    p = rows.bindOneTripEvents(c, s, p);
    p = rows.bindOneTripStreams(c, s, p);
    s.setLong(p++, after.position());
    s.setBytes(p++, after.chain());
    s.setString(p, channel);
  }
}
