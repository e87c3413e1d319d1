package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.CopyRefusedException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreCopy;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Fills an empty PostgreSQL store with another store's {@link StoredEvent}s: the PostgreSQL write side of a
 * copy between engines. Everything happens in ONE transaction: the three tables are locked (EXCLUSIVE:
 * readers go on, appenders wait), found empty, the events streamed in with {@code COPY ... FROM STDIN},
 * then the head row and {@code annals_streams} written from them, and COMMIT. A failure or a
 * {@link #close} before {@link #finish} rolls everything back: the store is as empty as it was, and the
 * copy can simply be run again. After the commit, {@link PostgresVerifier} reads the store back for the
 * head. The caller owns the connection (in auto-commit; given back so).
 */
public final class PostgresEventTarget implements StoredEventTarget {

  private static final String COPY = "COPY annals_events (position, stream, version, event_id, type, recorded_at,"
      + " effective_at, effective_nanos, batch_size, index_in_batch, imported, data, data_digest, metadata, chain)"
      + " FROM STDIN";
  private static final HexFormat HEX = HexFormat.of();

  private final Connection connection;
  private final String description;
  private boolean owned;
  /** The store's LISTEN/NOTIFY channel, when known: notified of the new head at COMMIT, as an append does. */
  private @Nullable String channel;
  private final ChainHash chain = new ChainHash();
  private @Nullable OutputStream copy;
  private final StringBuilder line = new StringBuilder(512);
  private long lastPosition;
  private long lastRecordedMicros;
  private byte[] lastChain = ChainHash.genesis();
  private boolean open = true;
  /** The source's store id, set in the copy's transaction after the COPY ends. */
  private java.util.@Nullable UUID keptStoreId;

  private PostgresEventTarget(Connection connection, String description) {
    this.connection = connection;
    this.description = description;
  }

  /**
   * Begins the copy's transaction on {@code connection}, whose search path holds the store's tables
   * (created by opening the store once), and checks that the store is empty.
   *
   * @throws CopyRefusedException the store already holds events, or has no tables
   */
  public static PostgresEventTarget begin(Connection connection, String description) {
    PostgresEventTarget t = new PostgresEventTarget(connection, description);
    try {
      connection.setAutoCommit(false);
      t.lockEmpty();
      t.copy = new PGCopyOutputStream(connection.unwrap(PGConnection.class), COPY, 1 << 20);
      return t;
    } catch (SQLException e) {
      t.rollback();
      throw new StoreUnavailableException("preparing " + description + " for the copy failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      t.rollback();
      throw e;
    }
  }

  private void lockEmpty() throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (!StoredRows.tablesExist(connection)) {
        throw new CopyRefusedException(description + " holds no Annals store (its tables are missing); nothing was"
            + " written");
      }
      s.execute("LOCK TABLE annals_head, annals_events, annals_streams IN EXCLUSIVE MODE");
      long events;
      long head = 0;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT 1 FROM annals_events LIMIT 1) e")) {
        rs.next();
        events = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT position FROM annals_head")) {
        if (rs.next()) {
          head = rs.getLong(1);
        }
      }
      boolean streams;
      try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM annals_streams)")) {
        rs.next();
        streams = rs.getBoolean(1);
      }
      if (events > 0 || head > 0 || streams) {
        throw new CopyRefusedException(description + " is not empty (its head is at position " + head
            + "); a copy only fills an empty store, and nothing was written");
      }
    }
  }

  /**
   * Begins a copy into the store {@code options} name, over a connection of its own (closed by
   * {@link #close}): creates the store's tables first when the schema has none (as a first open does), and
   * refuses a schema of a newer version than this code knows.
   */
  public static PostgresEventTarget begin(PostgresOptions options) {
    String description = DirectConnection.describe(options);
    Connection c = DirectConnection.open(options);
    try {
      SchemaMigration.bundled().migrate(c, options.schema());
      PostgresEventTarget t = begin(c, description);
      t.owned = true;
      t.channel = options.notifyChannel();
      return t;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e instanceof RuntimeException r ? r
          : new StoreUnavailableException("preparing " + description + " for the copy failed: " + e.getMessage(), e);
    }
  }

  /** Sets {@code annals_schema.store_id} in the copy's transaction (at {@link #finish}, after the COPY). */
  @Override
  public void keepStoreId(java.util.UUID id) {
    keptStoreId = id;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void write(StoredEvent stored) {
    OutputStream out = copy;
    if (out == null) {
      throw new IllegalStateException("the copy into " + description + " is over");
    }
    RecordedEvent e = stored.event();
    byte[] data = e.data().unsafeBytes();
    byte[] digest = chain.dataDigest(data);
    line.setLength(0);
    line.append(e.position()).append('\t');
    text(e.stream());
    line.append('\t').append(e.version()).append('\t').append(e.id()).append('\t');
    text(e.type());
    line.append('\t').append(e.recordedAt()).append('\t')
        .append(e.effectiveAt().truncatedTo(ChronoUnit.MICROS)).append('\t').append(e.effectiveAt().getNano())
        .append('\t').append(stored.batchSize()).append('\t').append(stored.indexInBatch()).append('\t')
        .append(stored.imported() ? 't' : 'f').append('\t');
    bytea(data);
    line.append('\t');
    bytea(digest);
    line.append('\t');
    bytea(e.metadata().unsafeBytes());
    line.append('\t');
    byte[] hash = stored.chainHash();
    bytea(hash);
    line.append('\n');
    try {
      out.write(line.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException ex) {
      rollback();
      throw new StoreUnavailableException("writing to " + description + " failed: " + ex.getMessage()
          + "; nothing was kept (the transaction was rolled back)", ex);
    }
    lastPosition = e.position();
    lastRecordedMicros = ChainHash.micros(e.recordedAt());
    lastChain = hash;
  }

  /** A text column in COPY's text format: backslash, tab, newline and carriage return escaped. */
  private void text(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> line.append("\\\\");
        case '\t' -> line.append("\\t");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        default -> line.append(c);
      }
    }
  }

  /** A bytea column in COPY's text format: {@code \\x} and hex (the backslash itself escaped). */
  private void bytea(byte[] b) {
    line.append("\\\\x");
    HEX.formatHex(line, b);
  }

  @Override
  public StoreCopy.Head finish() {
    OutputStream out = copy;
    if (out == null) {
      throw new IllegalStateException("the copy into " + description + " is over");
    }
    try {
      copy = null;
      out.close(); // ends the COPY
      try (PreparedStatement head = connection.prepareStatement("INSERT INTO annals_head (singleton, position,"
          + " recorded_at, chain) VALUES (true, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET position ="
          + " EXCLUDED.position, recorded_at = EXCLUDED.recorded_at, chain = EXCLUDED.chain")) {
        head.setLong(1, lastPosition);
        head.setLong(2, lastRecordedMicros);
        head.setBytes(3, lastChain);
        head.executeUpdate();
      }
      if (keptStoreId != null) {
        try (PreparedStatement id = connection.prepareStatement("UPDATE annals_schema SET store_id = ?")) {
          id.setObject(1, keptStoreId);
          id.executeUpdate();
        }
      }
      try (Statement s = connection.createStatement()) {
        // versions and positions grow along positions, recorded_at never decreases: the maxima are the last event's
        s.executeUpdate("INSERT INTO annals_streams (stream, version, last_position, last_recorded_at)"
            + " SELECT stream, max(version), max(position), max(recorded_at) FROM annals_events GROUP BY stream");
      }
      String notify = channel;
      if (notify != null) { // subscribers already waiting on the empty store wake up (delivered at COMMIT)
        try (PreparedStatement n = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
          n.setString(1, notify);
          n.setString(2, Long.toString(lastPosition));
          n.execute();
        }
      }
      connection.commit();
      open = false;
      connection.setAutoCommit(true);
      try (Statement s = connection.createStatement()) {
        s.execute("ANALYZE annals_events, annals_streams");
      }
    } catch (IOException | SQLException e) {
      rollback();
      throw new StoreUnavailableException("finishing the copy into " + description + " failed: " + e.getMessage()
          + "; nothing was kept (the transaction was rolled back)", e);
    }
    PostgresVerifyReport report = PostgresVerifier.verify(connection, PostgresVerifier.Progress.NONE);
    if (!report.ok()) {
      throw new StoreUnavailableException("the copy in " + description + " does not verify: " + report.problems().get(0));
    }
    if (report.headPosition() != lastPosition || !Arrays.equals(HEX.parseHex(report.headHash()), lastChain)) {
      throw new StoreUnavailableException("the copy in " + description + " ends at another head than was written");
    }
    return new StoreCopy.Head(report.headPosition(), report.headHash());
  }

  /**
   * Before {@link #finish}: rolls the transaction back, so the store is left empty as it was. Closes the
   * connection when this target opened it.
   */
  @Override
  public void close() {
    try {
      rollback();
    } finally {
      if (owned) {
        owned = false;
        try {
          connection.close();
        } catch (SQLException e) {
          throw new StoreUnavailableException("closing the connection to " + description + " failed: " + e.getMessage(), e);
        }
      }
    }
  }

  private void rollback() {
    if (!open) {
      return;
    }
    open = false;
    OutputStream out = copy;
    copy = null;
    try {
      if (out instanceof PGCopyOutputStream pg && pg.isActive()) {
        pg.cancelCopy();
      }
      connection.rollback();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw new StoreUnavailableException("rolling back the unfinished copy into " + description + " failed: "
          + e.getMessage() + "; the transaction ends when the connection closes", e);
    }
  }
}
