package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads the rows of {@code annals_events} in position order, with the head row, in one read-only
 * REPEATABLE READ transaction on the caller's connection: one consistent state of the store, while other
 * processes go on appending. Rows stream from the server (a cursor, {@link #FETCH} at a time), so memory
 * does not grow with the store. The read side shared by {@link PostgresVerifier} and
 * {@link PostgresEventSource}. Not thread-safe; the caller owns and closes the connection.
 */
final class StoredRows {

  static final int FETCH = 2_000;

  /**
   * One row as stored.
   *
   * @param effectiveAtMicros the {@code effective_at} column (microseconds), kept apart from effectiveAt
   *     (column and {@code effective_nanos}) so verify can check that they agree
   */
  record Row(long position, String stream, long version, UUID id, String type, Instant recordedAt,
      Instant effectiveAtColumn, Instant effectiveAt, int batchSize, int indexInBatch, boolean imported, byte[] data,
      byte[] dataDigest, byte[] metadata, byte[] chain) {

    /** As a copy moves it; the data and metadata bytes are used as they are. */
    StoredEvent stored() {
      RecordedEvent e = new RecordedEvent(id, stream, version, position, type, Json.trusted(data), Json.trusted(metadata),
          recordedAt, effectiveAt);
      return new StoredEvent(e, batchSize, indexInBatch, imported, chain);
    }
  }

  /**
   * The head row.
   *
   * @param recordedAtMicros its {@code recorded_at} column
   */
  record Head(long position, long recordedAtMicros, byte[] chain) {}

  /** Receives rows in position order. */
  @FunctionalInterface
  interface Visitor {
    void row(Row row) throws SQLException;
  }

  /** The columns {@link #row} reads, in its order. */
  static final String COLUMNS = "position, stream, version, event_id, type, recorded_at, effective_at,"
      + " effective_nanos, batch_size, index_in_batch, imported, data, data_digest, metadata, chain";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM annals_events ORDER BY position";

  private StoredRows() {}

  /** Whether {@code c}'s schema (its search path's first) holds the store's tables. */
  static boolean tablesExist(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname ="
            + " current_schema() AND tablename IN ('annals_head', 'annals_events', 'annals_streams')");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getInt(1) == 3;
    }
  }

  /**
   * Starts the snapshot on {@code c} and returns its head row (null when there is none). Call
   * {@link #forEach}, then {@link #end}.
   */
  static @Nullable Head begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setReadOnly(true);
    try (PreparedStatement s = c.prepareStatement("SELECT position, recorded_at, chain FROM annals_head");
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)) : null;
    }
  }

  /** Hands every row, in position order, to {@code visitor}; returns how many. */
  static long forEach(Connection c, Visitor visitor) throws SQLException {
    long n = 0;
    try (PreparedStatement s = c.prepareStatement(SELECT, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      s.setFetchSize(FETCH);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          visitor.row(row(rs));
          n++;
        }
      }
    }
    return n;
  }

  /** Ends the snapshot (nothing was written: a rollback) and gives the connection back as it was lent. */
  static void end(Connection c) throws SQLException {
    try {
      c.rollback();
    } finally {
      c.setReadOnly(false);
      c.setAutoCommit(true);
    }
  }

  static Row row(ResultSet rs) throws SQLException {
    Instant effectiveColumn = instant(rs, 7);
    Instant effectiveAt = Instant.ofEpochSecond(effectiveColumn.getEpochSecond(), rs.getInt(8));
    return new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getObject(4, UUID.class), rs.getString(5),
        instant(rs, 6), effectiveColumn, effectiveAt, rs.getInt(9), rs.getInt(10), rs.getBoolean(11), rs.getBytes(12),
        rs.getBytes(13), rs.getBytes(14), rs.getBytes(15));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  /** The microseconds of {@code t} as PostgreSQL's timestamptz keeps them. */
  static long micros(Instant t) {
    return ChainHash.micros(t);
  }
}
