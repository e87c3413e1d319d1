package dev.annals.postgres;

import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.postgresql.PGResultSetMetaData;

/**
 * The columns of annals_events a read selects, and how a row becomes a {@link RecordedEvent}: data and
 * metadata are the bytes as stored (written by the store after validating them, so not parsed again);
 * {@code recordedAt} is the microsecond timestamp; {@code effectiveAt} is effective_at's second plus
 * effective_nanos, its exact nano-of-second.
 *
 * <p>Once the driver receives a statement's results in binary (from its fifth execution on a
 * connection), the two timestamps arrive as 8 bytes each, microseconds since 2000-01-01 UTC; they are
 * decoded from those bytes directly rather than through the driver's date-time objects, the largest
 * per-row cost of a page after the payload itself. One instance per result set; not thread-safe.
 */
final class EventRows {

  /** The select list, prefixed by the caller's alias; the columns are read back by index in this order. */
  static final String COLUMNS = "e.position, e.stream, e.version, e.event_id, e.type, e.recorded_at, "
      + "e.effective_at, e.effective_nanos, e.data, e.metadata";

  /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in seconds since 1970. */
  private static final long PG_EPOCH_SECOND = 946_684_800L;
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int first;
  private final boolean binaryTimes;

  /** Rows of {@code rs} whose {@link #COLUMNS} start at column {@code first} (1-based). */
  EventRows(ResultSet rs, int first) throws SQLException {
    this.first = first;
    PGResultSetMetaData md = rs.getMetaData().unwrap(PGResultSetMetaData.class);
    this.binaryTimes = md.getFormat(first + 5) == 1 && md.getFormat(first + 6) == 1;
  }

  /** The event in the current row. */
  RecordedEvent read(ResultSet rs) throws SQLException {
    int c = first;
    long position = rs.getLong(c);
    String stream = rs.getString(c + 1);
    long version = rs.getLong(c + 2);
    UUID id = rs.getObject(c + 3, UUID.class);
    String type = rs.getString(c + 4);
    Instant recordedAt;
    long effectiveSecond;
    if (binaryTimes) {
      recordedAt = instant(pgMicros(rs.getBytes(c + 5)));
      effectiveSecond = Math.floorDiv(pgMicros(rs.getBytes(c + 6)), 1_000_000L) + PG_EPOCH_SECOND;
    } else {
      recordedAt = rs.getObject(c + 5, OffsetDateTime.class).toInstant();
      effectiveSecond = rs.getObject(c + 6, OffsetDateTime.class).toEpochSecond();
    }
    int effectiveNanos = rs.getInt(c + 7);
    byte[] data = rs.getBytes(c + 8);
    byte[] metadata = rs.getBytes(c + 9);
    return new RecordedEvent(id, stream, version, position, type, Json.trusted(data), Json.trusted(metadata),
        recordedAt, Instant.ofEpochSecond(effectiveSecond, effectiveNanos));
  }

  /** A binary timestamptz: microseconds since PostgreSQL's epoch. */
  private static long pgMicros(byte[] binary) {
    if (binary.length != Long.BYTES) {
      throw new IllegalStateException("a binary timestamp of " + binary.length + " bytes");
    }
    return (long) BIG_ENDIAN_LONG.get(binary, 0);
  }

  private static Instant instant(long pgMicros) {
    return Instant.ofEpochSecond(Math.floorDiv(pgMicros, 1_000_000L) + PG_EPOCH_SECOND,
        Math.floorMod(pgMicros, 1_000_000L) * 1_000L);
  }
}
