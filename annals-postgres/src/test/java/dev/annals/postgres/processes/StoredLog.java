package dev.annals.postgres.processes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A PostgreSQL store's rows as the tables hold them (schema 1), read with plain JDBC and not through the
 * engine, so the checks see what a crash left and not what the engine makes of it: the events in position
 * order with every field the hash chain covers, the head row and the streams table.
 *
 * @param events every row of {@code annals_events}, by position
 * @param headPosition {@code annals_head.position}
 * @param headRecordedAtMicros {@code annals_head.recorded_at}
 * @param headChain {@code annals_head.chain}
 * @param streamVersions {@code annals_streams}: stream to version
 */
record StoredLog(List<Row> events, long headPosition, long headRecordedAtMicros, byte[] headChain,
    Map<String, Long> streamVersions) {

  /** One event row. Times are microseconds since the epoch, as stored; effectiveAt keeps its nanoseconds. */
  record Row(long position, String stream, long version, UUID id, String type, long recordedAtMicros,
      Instant effectiveAt, int batchSize, int indexInBatch, boolean imported, byte[] data, byte[] dataDigest,
      byte[] metadata, byte[] chain) {}

  /** Reads the store in {@code schema} of the database at {@code jdbcUrl}. */
  static StoredLog read(String jdbcUrl, String schema) throws SQLException {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("a schema name here is lowercase letters, digits and _");
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot for all three tables
      List<Row> events = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT position, stream, version, event_id, type,"
          + " (extract(epoch FROM recorded_at) * 1000000)::bigint,"
          + " (extract(epoch FROM effective_at) * 1000000)::bigint,"
          + " effective_nanos, batch_size, index_in_batch, imported, data, data_digest, metadata, chain"
          + " FROM " + schema + ".annals_events ORDER BY position")) {
        s.setFetchSize(5000);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            long effectiveMicros = r.getLong(7);
            Instant effectiveAt = Instant.ofEpochSecond(Math.floorDiv(effectiveMicros, 1_000_000L), r.getInt(8));
            events.add(new Row(r.getLong(1), r.getString(2), r.getLong(3), r.getObject(4, UUID.class), r.getString(5),
                r.getLong(6), effectiveAt, r.getInt(9), r.getInt(10), r.getBoolean(11), r.getBytes(12), r.getBytes(13),
                r.getBytes(14), r.getBytes(15)));
          }
        }
      }
      long headPosition;
      long headRecordedAt;
      byte[] headChain;
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT position, recorded_at, chain FROM " + schema + ".annals_head")) {
        if (!r.next()) {
          throw new IllegalStateException("the store has no head row");
        }
        headPosition = r.getLong(1);
        headRecordedAt = r.getLong(2);
        headChain = r.getBytes(3);
      }
      Map<String, Long> streams = new TreeMap<>();
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT stream, version FROM " + schema + ".annals_streams")) {
        while (r.next()) {
          streams.put(r.getString(1), r.getLong(2));
        }
      }
      c.commit();
      return new StoredLog(List.copyOf(events), headPosition, headRecordedAt, headChain, streams);
    }
  }
}
