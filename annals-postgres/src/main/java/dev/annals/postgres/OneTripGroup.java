package dev.annals.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * A group decided against the {@link ExpectedHead}, written in one round trip: one call of the schema's
 * {@code annals_append_group} in auto-commit mode, which takes the head lock, checks the expected head,
 * stream versions and recordedAt, inserts the rows, upserts the streams, moves the head, notifies and
 * commits. When an expectation was wrong the database refuses the call, having written nothing, and the
 * group goes the two-round-trip way ({@link GroupTransaction}).
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

  private static final String CALL = "SELECT annals_append_group(?, ?, ?, ?::int8[], ?::text[], ?::int8[], ?::uuid[],"
      + " ?::text[], ?::int8[], ?::int8[], ?::int4[], ?::int4[], ?::int4[], ?::bool[], ?::bytea[], ?::bytea[], ?::bytea[],"
      + " ?::bytea[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?, ?, ?, ?)";

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
    Stager stager = plan.stager();
    List<Stager.Row> rows = stager.rows();
    int n = rows.size();
    Long[] positions = new Long[n];
    String[] streams = new String[n];
    Long[] versions = new Long[n];
    UUID[] ids = new UUID[n];
    String[] types = new String[n];
    Long[] recorded = new Long[n];
    Long[] effective = new Long[n];
    Integer[] effectiveNanos = new Integer[n];
    Integer[] batchSizes = new Integer[n];
    Integer[] indexes = new Integer[n];
    Boolean[] imported = new Boolean[n];
    byte[][] data = new byte[n][];
    byte[][] digests = new byte[n][];
    byte[][] metadata = new byte[n][];
    byte[][] chains = new byte[n][];
    for (int i = 0; i < n; i++) {
      Stager.Row row = rows.get(i);
      positions[i] = row.position();
      streams[i] = row.stream();
      versions[i] = row.version();
      ids[i] = row.id();
      types[i] = row.type();
      recorded[i] = row.recordedMicros();
      Instant eff = row.effectiveAt();
      effective[i] = Math.multiplyExact(eff.getEpochSecond(), 1_000_000L) + eff.getNano() / 1_000;
      effectiveNanos[i] = eff.getNano();
      batchSizes[i] = row.batchSize();
      indexes[i] = row.indexInBatch();
      imported[i] = row.imported();
      data[i] = row.data();
      digests[i] = row.dataDigest();
      metadata[i] = row.metadata();
      chains[i] = row.chain();
    }
    Map<String, Stager.StreamHead> heads = stager.streams();
    int m = heads.size();
    String[] names = new String[m];
    Long[] before = new Long[m];
    Long[] lastVersions = new Long[m];
    Long[] lastPositions = new Long[m];
    Long[] lastRecorded = new Long[m];
    int k = 0;
    for (Map.Entry<String, Stager.StreamHead> e : heads.entrySet()) {
      names[k] = e.getKey();
      before[k] = plan.before().get(e.getKey());
      lastVersions[k] = e.getValue().version();
      lastPositions[k] = e.getValue().lastPosition();
      lastRecorded[k] = e.getValue().lastMicros();
      k++;
    }
    Stager.Head expected = plan.expected();
    Stager.Head after = stager.head();
    int p = 1;
    s.setLong(p++, expected.position());
    s.setBytes(p++, expected.chain());
    s.setLong(p++, rows.getFirst().recordedMicros());
    s.setArray(p++, c.createArrayOf("int8", positions));
    s.setArray(p++, c.createArrayOf("text", streams));
    s.setArray(p++, c.createArrayOf("int8", versions));
    s.setArray(p++, c.createArrayOf("uuid", ids));
    s.setArray(p++, c.createArrayOf("text", types));
    s.setArray(p++, c.createArrayOf("int8", recorded));
    s.setArray(p++, c.createArrayOf("int8", effective));
    s.setArray(p++, c.createArrayOf("int4", effectiveNanos));
    s.setArray(p++, c.createArrayOf("int4", batchSizes));
    s.setArray(p++, c.createArrayOf("int4", indexes));
    s.setArray(p++, c.createArrayOf("bool", imported));
    s.setArray(p++, c.createArrayOf("bytea", data));
    s.setArray(p++, c.createArrayOf("bytea", digests));
    s.setArray(p++, c.createArrayOf("bytea", metadata));
    s.setArray(p++, c.createArrayOf("bytea", chains));
    s.setArray(p++, c.createArrayOf("text", names));
    s.setArray(p++, c.createArrayOf("int8", before));
    s.setArray(p++, c.createArrayOf("int8", lastVersions));
    s.setArray(p++, c.createArrayOf("int8", lastPositions));
    s.setArray(p++, c.createArrayOf("int8", lastRecorded));
    s.setLong(p++, after.position());
    s.setLong(p++, after.micros());
    s.setBytes(p++, after.chain());
    s.setString(p, db.channel());
  }
}
