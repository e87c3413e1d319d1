package dev.annals.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.annals.core.EventData;
import dev.annals.core.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store's schema in a test database, written with plain JDBC the way the engine's append does it
 * (head row FOR UPDATE, positions from the head, recordedAt from the database clock never below the
 * head's, the streams table, a NOTIFY with the new head): the read side's tests need rows without
 * depending on the write side. One fresh schema per instance.
 */
final class RowWriter implements AutoCloseable {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final String jdbcUrl;
  private final String schema;
  private final HikariDataSource pool;

  private RowWriter(String jdbcUrl, String schema, HikariDataSource pool) {
    this.jdbcUrl = jdbcUrl;
    this.schema = schema;
    this.pool = pool;
  }

  /** A fresh schema with the store's tables, in {@code database} of {@code pg}. */
  static RowWriter create(LocalPostgres pg, String database) {
    String jdbcUrl = pg.jdbcUrl(database);
    String schema = "rs" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("SET search_path TO " + schema);
      s.execute(schemaScript());
      s.execute("INSERT INTO annals_head (singleton, position, recorded_at, chain) "
          + "VALUES (true, 0, 0, decode(repeat('00', 32), 'hex')) ON CONFLICT DO NOTHING");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new RowWriter(jdbcUrl, schema, pool(jdbcUrl, schema));
  }

  static HikariDataSource pool(String jdbcUrl, String schema) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    c.setMaximumPoolSize(4);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(1_000);
    c.setInitializationFailTimeout(-1);
    c.setPoolName("test-" + schema);
    c.addDataSourceProperty("currentSchema", schema);
    return new HikariDataSource(c);
  }

  /** Every schema script shipped, in order (schema-1.sql, schema-2.sql, ...). */
  private static String schemaScript() {
    StringBuilder all = new StringBuilder();
    for (int v = 1; ; v++) {
      try (InputStream in = RowWriter.class.getResourceAsStream("schema-" + v + ".sql")) {
        if (in == null) {
          return all.toString();
        }
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  String schema() {
    return schema;
  }

  String channel() {
    return schema + "_head";
  }

  HikariDataSource pool() {
    return pool;
  }

  String poolUrl() {
    return jdbcUrl;
  }

  /** Opens connections outside any pool (a head watcher's). */
  HeadWatcher.ConnectionOpener opener() {
    return () -> DriverManager.getConnection(jdbcUrl);
  }

  /** A read side on this schema with its own pool (as another process would have), polling every {@code poll}. */
  ReadSide readSide(Duration poll, boolean listen) {
    return new ReadSide(pool, opener(), schema, channel(), Limits.defaults(),
        poll, listen);
  }

  ReadSide readSide() {
    return readSide(ReadSide.DEFAULT_POLL_INTERVAL, true);
  }

  /** Appends and notifies; returns the last position. */
  long append(String stream, List<EventData> events) {
    return append(stream, events, Optional.empty(), true);
  }

  /**
   * Appends {@code events} to the end of {@code stream} in one transaction.
   *
   * @param recordedAt a stamp to use instead of the database clock (still never below the head's)
   * @param notify whether to send the NOTIFY
   */
  long append(String stream, List<EventData> events, Optional<Instant> recordedAt, boolean notify) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        long last = write(c, stream, events, recordedAt, notify);
        c.commit();
        return last;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The append's statements on {@code c}, inside the caller's transaction (left open). */
  long write(Connection c, String stream, List<EventData> events, Optional<Instant> recordedAt, boolean notify)
      throws SQLException {
    long head;
    long headMicros;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT position, recorded_at FROM annals_head FOR UPDATE")) {
      rs.next();
      head = rs.getLong(1);
      headMicros = rs.getLong(2);
    }
    Instant now;
    if (recordedAt.isPresent()) {
      now = recordedAt.get();
    } else {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
        rs.next();
        now = rs.getObject(1, OffsetDateTime.class).toInstant();
      }
    }
    long micros = Math.max(ChronoUnit.MICROS.between(Instant.EPOCH, now.truncatedTo(ChronoUnit.MICROS)), headMicros);
    Instant stamp = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    long version;
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(version), 0) FROM annals_events WHERE stream = ?")) {
      ps.setString(1, stream);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        version = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO annals_events (position, stream, version, event_id, "
        + "type, recorded_at, effective_at, effective_nanos, batch_size, index_in_batch, imported, data, data_digest, "
        + "metadata, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, '\\x00', ?, '\\x00')")) {
      for (int i = 0; i < events.size(); i++) {
        EventData e = events.get(i);
        Instant effective = e.effectiveAt().orElse(stamp);
        ps.setLong(1, head + 1 + i);
        ps.setString(2, stream);
        ps.setLong(3, version + 1 + i);
        ps.setObject(4, e.id());
        ps.setString(5, e.type());
        ps.setObject(6, OffsetDateTime.ofInstant(stamp, ZoneOffset.UTC));
        ps.setObject(7, OffsetDateTime.ofInstant(effective.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        ps.setInt(8, effective.getNano());
        ps.setInt(9, events.size());
        ps.setInt(10, i);
        ps.setBytes(11, e.data().bytes());
        ps.setBytes(12, e.metadata().bytes());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    long last = head + events.size();
    try (PreparedStatement ps = c.prepareStatement("UPDATE annals_head SET position = ?, recorded_at = ?")) {
      ps.setLong(1, last);
      ps.setLong(2, micros);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO annals_streams (stream, version, last_position, "
        + "last_recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, "
        + "last_position = excluded.last_position, last_recorded_at = excluded.last_recorded_at")) {
      ps.setString(1, stream);
      ps.setLong(2, version + events.size());
      ps.setLong(3, last);
      ps.setObject(4, OffsetDateTime.ofInstant(stamp, ZoneOffset.UTC));
      ps.executeUpdate();
    }
    if (notify) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        ps.setString(1, channel());
        ps.setString(2, Long.toString(last));
        ps.executeQuery().close();
      }
    }
    return last;
  }

  /** Rows written straight with a set-based INSERT: {@code count} events round-robin over {@code streams}. */
  void bulk(int count, List<String> streams) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("""
          INSERT INTO annals_events (position, stream, version, event_id, type, recorded_at, effective_at,
            effective_nanos, batch_size, index_in_batch, imported, data, data_digest, metadata, chain)
          SELECT g, (%s)[1 + (g - 1) %% %d], (g - 1) / %d + 1, gen_random_uuid(), 'Bulk',
            timestamptz '2020-01-01' + g * interval '1 millisecond',
            timestamptz '2020-01-01' + g * interval '1 millisecond', 0, 1, 0, false,
            convert_to('{"n":' || g || '}', 'UTF8'), '\\x00', '\\x7b7d', '\\x00'
          FROM generate_series(1, %d) g""".formatted(array(streams), streams.size(), streams.size(), count));
      s.execute("UPDATE annals_head SET position = " + count);
      s.execute("ANALYZE annals_events");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String array(List<String> streams) {
    StringBuilder b = new StringBuilder("ARRAY[");
    for (int i = 0; i < streams.size(); i++) {
      b.append(i == 0 ? "" : ",").append('\'').append(streams.get(i).replace("'", "''")).append('\'');
    }
    return b.append("]::text[]").toString();
  }

  /** A connection outside the pool (for holding locks in tests). */
  Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl);
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
    }
    return c;
  }

  static UUID id() {
    return UUID.randomUUID();
  }

  @Override
  public void close() {
    pool.close();
  }
}
