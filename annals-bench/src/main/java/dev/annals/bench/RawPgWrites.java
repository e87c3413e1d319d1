package dev.annals.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write baselines of the pg rows: plain pgjdbc on a table like the engine's event table (one row per
 * event, the same data bytes, a primary key), with none of the engine's work (no head lock, no expected
 * version, no stream row, no chain, no idempotency index). Each method checks that the table holds
 * every row it acknowledged.
 */
final class RawPgWrites {

  static final String TABLE = "bench_raw_events";

  private static final String INSERT =
      "INSERT INTO " + TABLE + " (stream, event_id, type, data, metadata) VALUES (?, ?, 'Bench', ?, ?)";
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final String jdbcUrl;

  /** On the database at {@code jdbcUrl}, creating the table when it is missing. */
  RawPgWrites(String jdbcUrl) throws SQLException {
    this.jdbcUrl = jdbcUrl;
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + "position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream text NOT NULL, event_id uuid NOT NULL,"
          + " type text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(), data bytea NOT NULL,"
          + " metadata bytea NOT NULL)");
    }
  }

  /**
   * {@code connections} threads, each on its own connection, insert one row (to a random stream of
   * {@code streams}) and COMMIT, again and again for {@code millis} ms; latency per INSERT + COMMIT.
   */
  LogAppendConcurrent.Measured insertConcurrently(int connections, int streams, long millis, byte[] data)
      throws SQLException, InterruptedException {
    long before = rows();
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        Connection c = DriverManager.getConnection(jdbcUrl);
        c.setAutoCommit(false);
        open.add(c);
      }
      AtomicLong total = new AtomicLong();
      List<Latencies> perThread = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      long start = System.nanoTime();
      long end = start + millis * 1_000_000;
      for (Connection c : open) {
        Latencies lat = new Latencies();
        perThread.add(lat);
        threads.add(Thread.ofPlatform().start(() -> {
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          long n = 0;
          try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            while (System.nanoTime() < end) {
              long t0 = System.nanoTime();
              bind(insert, "acct-" + rnd.nextInt(streams), data);
              insert.executeUpdate();
              c.commit();
              lat.record(System.nanoTime() - t0);
              n++;
            }
          } catch (Throwable failed) {
            failures.add(failed);
          }
          total.addAndGet(n);
        }));
      }
      for (Thread t : threads) {
        t.join();
      }
      double secs = (System.nanoTime() - start) / 1e9;
      if (!failures.isEmpty()) {
        throw new IllegalStateException("a raw insert failed", failures.getFirst());
      }
      checkRows(before + total.get());
      Latencies all = new Latencies();
      perThread.forEach(all::merge);
      return new LogAppendConcurrent.Measured(total.get(), all, secs);
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  /**
   * One connection inserts {@code batches} batches of {@code perBatch} rows, each as one JDBC batch
   * (pgjdbc's default batching) and one COMMIT; latency per batch.
   */
  Latencies insertBatches(int batches, int perBatch, byte[] data) throws SQLException {
    long before = rows();
    Latencies lat = new Latencies();
    try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement insert = c.prepareStatement(INSERT)) {
      c.setAutoCommit(false);
      for (int b = 0; b < batches; b++) {
        long t0 = System.nanoTime();
        String stream = "bench-" + (b % 100);
        for (int i = 0; i < perBatch; i++) {
          bind(insert, stream, data);
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
        lat.record(System.nanoTime() - t0);
      }
    }
    checkRows(before + (long) batches * perBatch);
    return lat;
  }

  /** Rows in the table. */
  long rows() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void checkRows(long expected) throws SQLException {
    long rows = rows();
    if (rows != expected) {
      throw new IllegalStateException("the raw table holds " + rows + " rows, " + expected + " were acknowledged");
    }
  }

  private static void bind(PreparedStatement insert, String stream, byte[] data) throws SQLException {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    insert.setString(1, stream);
    insert.setObject(2, new UUID(rnd.nextLong(), rnd.nextLong()));
    insert.setBytes(3, data);
    insert.setBytes(4, EMPTY_OBJECT);
  }
}
