package dev.annals.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A decided group's event rows and stream heads as the column arrays the append statements read with
 * {@code unnest}: one array per column, in row order. Immutable once built; not copied.
 */
record RowArrays(Long[] positions, String[] streams, Long[] versions, UUID[] ids, String[] types, Long[] recorded,
    Long[] effective, Integer[] effectiveNanos, Integer[] batchSizes, Integer[] indexes, Boolean[] imported,
    byte[][] data, byte[][] digests, byte[][] metadata, byte[][] chains, String[] names, Long[] lastVersions,
    Long[] lastPositions, Long[] lastRecorded) {

  static RowArrays of(Stager stager) {
    List<Stager.Row> rows = stager.rows();
    int n = rows.size();
    RowArrays a = new RowArrays(new Long[n], new String[n], new Long[n], new UUID[n], new String[n], new Long[n],
        new Long[n], new Integer[n], new Integer[n], new Integer[n], new Boolean[n], new byte[n][], new byte[n][],
        new byte[n][], new byte[n][], new String[stager.streams().size()], new Long[stager.streams().size()],
        new Long[stager.streams().size()], new Long[stager.streams().size()]);
    for (int i = 0; i < n; i++) {
      Stager.Row row = rows.get(i);
      a.positions[i] = row.position();
      a.streams[i] = row.stream();
      a.versions[i] = row.version();
      a.ids[i] = row.id();
      a.types[i] = row.type();
      a.recorded[i] = row.recordedMicros();
      Instant eff = row.effectiveAt();
      a.effective[i] = Math.multiplyExact(eff.getEpochSecond(), 1_000_000L) + eff.getNano() / 1_000;
      a.effectiveNanos[i] = eff.getNano();
      a.batchSizes[i] = row.batchSize();
      a.indexes[i] = row.indexInBatch();
      a.imported[i] = row.imported();
      a.data[i] = row.data();
      a.digests[i] = row.dataDigest();
      a.metadata[i] = row.metadata();
      a.chains[i] = row.chain();
    }
    int k = 0;
    for (Map.Entry<String, Stager.StreamHead> e : stager.streams().entrySet()) {
      a.names[k] = e.getKey();
      a.lastVersions[k] = e.getValue().version();
      a.lastPositions[k] = e.getValue().lastPosition();
      a.lastRecorded[k] = e.getValue().lastMicros();
      k++;
    }
    return a;
  }

  /**
   * Binds the 15 event columns ({@code int8[], text[], int8[], uuid[], text[], int8[], int8[], int4[],
   * int4[], int4[], bool[], bytea[] x 4}) from parameter {@code p}; returns the next parameter.
   */
  int bindEvents(Connection c, PreparedStatement s, int p) throws SQLException {
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
    return p;
  }

  /**
   * Binds the 13 event columns of the one-round-trip call ({@code int8[], text[], int8[], uuid[], text[],
   * int8[], int4[], int4[], int4[], bytea[] x 4}) from parameter {@code p}: the rows' recordedAt is the
   * group's one stamp (not sent), an effectiveAt equal to it is sent as NULL, and no imported flags (none
   * is imported); returns the next parameter.
   */
  int bindOneTripEvents(Connection c, PreparedStatement s, int p) throws SQLException {
    Long[] ownEffective = new Long[effective.length];
    for (int k = 0; k < ownEffective.length; k++) {
      if (imported[k] || !recorded[k].equals(recorded[0])) {
        throw new IllegalStateException("a one-round-trip group holds only appends stamped alike");
      }
      ownEffective[k] = effective[k].equals(recorded[k]) && effectiveNanos[k] % 1_000 == 0 ? null : effective[k];
    }
    s.setArray(p++, c.createArrayOf("int8", positions));
    s.setArray(p++, c.createArrayOf("text", streams));
    s.setArray(p++, c.createArrayOf("int8", versions));
    s.setArray(p++, c.createArrayOf("uuid", ids));
    s.setArray(p++, c.createArrayOf("text", types));
    s.setArray(p++, c.createArrayOf("int8", ownEffective));
    s.setArray(p++, c.createArrayOf("int4", effectiveNanos));
    s.setArray(p++, c.createArrayOf("int4", batchSizes));
    s.setArray(p++, c.createArrayOf("int4", indexes));
    s.setArray(p++, c.createArrayOf("bytea", data));
    s.setArray(p++, c.createArrayOf("bytea", digests));
    s.setArray(p++, c.createArrayOf("bytea", metadata));
    s.setArray(p++, c.createArrayOf("bytea", chains));
    return p;
  }

  /** Binds the streams' names, new versions and last positions ({@code text[], int8[], int8[]}) from {@code p}; returns the next. */
  int bindOneTripStreams(Connection c, PreparedStatement s, int p) throws SQLException {
    s.setArray(p++, c.createArrayOf("text", names));
    s.setArray(p++, c.createArrayOf("int8", lastVersions));
    s.setArray(p++, c.createArrayOf("int8", lastPositions));
    return p;
  }

  /** Binds the stream names ({@code text[]}) at parameter {@code p}; returns the next parameter. */
  int bindStreamNames(Connection c, PreparedStatement s, int p) throws SQLException {
    s.setArray(p++, c.createArrayOf("text", names));
    return p;
  }

  /** Binds the streams' new version, last position and last recordedAt ({@code int8[]} x 3) from {@code p}; returns the next. */
  int bindStreamHeads(Connection c, PreparedStatement s, int p) throws SQLException {
    s.setArray(p++, c.createArrayOf("int8", lastVersions));
    s.setArray(p++, c.createArrayOf("int8", lastPositions));
    s.setArray(p++, c.createArrayOf("int8", lastRecorded));
    return p;
  }
}
