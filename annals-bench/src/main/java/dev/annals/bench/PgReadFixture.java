package dev.annals.bench;

import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The store the read rows page through: {@code events} events of 256 B written through the engine in
 * appends of 1,000 over 1,000 streams (four threads, so the writer has work while a group commits),
 * then vacuumed and analyzed as autovacuum would leave a table at rest. Built once per run and size
 * ({@link BenchPostgres#sharedDatabase}); {@code pg-read-all} and {@code pg-subscribe-catchup} read
 * the same events.
 */
final class PgReadFixture {

  static final int PER_APPEND = 1_000;
  private static final int STREAMS = 1_000;
  private static final int WRITERS = 4;

  private PgReadFixture() {}

  /** The database holding exactly {@code events} events (built now unless this run already did). */
  static String database(BenchEnv env, LocalPostgres server, int events) throws Exception {
    return env.postgres().sharedDatabase("read-" + events, server, db -> fill(env, server, db, events));
  }

  private static void fill(BenchEnv env, LocalPostgres server, String db, int events) throws Exception {
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    long appends = (events + PER_APPEND - 1) / PER_APPEND;
    AtomicLong next = new AtomicLong();
    AtomicReference<@Nullable Throwable> failed = new AtomicReference<>();
    env.progress("writing " + events + " events through the engine for the read rows");
    long t0 = System.nanoTime();
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString())) {
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        writers.add(Thread.ofPlatform().name("pg-fill-" + w).start(() -> {
          try {
            for (long a; (a = next.getAndIncrement()) < appends && failed.get() == null; ) {
              int n = (int) Math.min(PER_APPEND, events - a * PER_APPEND);
              store.append("bench-" + (a % STREAMS), ExpectedVersion.ANY, LogBench.batch(data, n));
              if ((a + 1) % 200 == 0) {
                env.progress("  " + (a + 1) * PER_APPEND + "/" + events + " events written");
              }
            }
          } catch (Throwable t) {
            failed.compareAndSet(null, t);
          }
        }));
      }
      for (Thread t : writers) {
        t.join();
      }
      Throwable t = failed.get();
      if (t != null) {
        throw new IllegalStateException("filling the read store failed: " + t, t);
      }
      if (store.headPosition() != events) {
        throw new IllegalStateException("the read store's head is " + store.headPosition() + ", not " + events);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(db)); Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE");
      s.execute("CHECKPOINT");
    }
    env.progress(String.format(Locale.ROOT, "  written in %.1f s (%.0f events/s in appends of %d, %d threads)", secs,
        events / secs, PER_APPEND, WRITERS));
  }
}
