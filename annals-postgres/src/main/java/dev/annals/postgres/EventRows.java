package dev.annals.postgres;

import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The columns of annals_events a read selects, and how a row becomes a {@link RecordedEvent}: data and
 * metadata are the bytes as stored (written by the store after validating them, so not parsed again);
 * {@code recordedAt} is the microsecond timestamp; {@code effectiveAt} is effective_at's second plus
 * effective_nanos, its exact nano-of-second. Stateless.
 */
final class EventRows {

  /** The select list, prefixed by the caller's alias; the columns are read back by index in this order. */
  static final String COLUMNS = "e.position, e.stream, e.version, e.event_id, e.type, e.recorded_at, "
      + "e.effective_at, e.effective_nanos, e.data, e.metadata";
  /** How many columns {@link #COLUMNS} has. */
  static final int COUNT = 10;

  private EventRows() {}

  /** The event whose {@link #COLUMNS} start at column {@code first} (1-based) of the current row. */
  static RecordedEvent read(ResultSet rs, int first) throws SQLException {
    int c = first;
    long position = rs.getLong(c);
    String stream = rs.getString(c + 1);
    long version = rs.getLong(c + 2);
    UUID id = rs.getObject(c + 3, UUID.class);
    String type = rs.getString(c + 4);
    Instant recordedAt = rs.getObject(c + 5, OffsetDateTime.class).toInstant();
    long effectiveSecond = rs.getObject(c + 6, OffsetDateTime.class).toEpochSecond();
    int effectiveNanos = rs.getInt(c + 7);
    byte[] data = rs.getBytes(c + 8);
    byte[] metadata = rs.getBytes(c + 9);
    return new RecordedEvent(id, stream, version, position, type, Json.trusted(data), Json.trusted(metadata),
        recordedAt, Instant.ofEpochSecond(effectiveSecond, effectiveNanos));
  }
}
