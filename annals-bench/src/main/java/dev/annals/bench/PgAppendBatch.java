package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code pg-append-batch-100}: one thread appends batches of 100 events of 256 B (to 100 streams in
 * turn) on the PostgreSQL engine. Baseline on the same server, same run: the same rows as one pgjdbc
 * batched INSERT and one COMMIT per 100. Target (issue 19): at least 0.7 of the baseline.
 */
final class PgAppendBatch extends PgWorkload {

  static final int PER_APPEND = 100;
  private static final String BASELINE = "raw-pgjdbc-batch-insert";


  PgAppendBatch() {
    this(PgSizes::of);
  }

  PgAppendBatch(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return PgAppendConcurrent.STORE;
  }

  @Override
  public String name() {
    return "pg-append-batch-100";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    int batches = size.batches();
    int warmUp = Math.max(10, batches / 10);
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    String db = server.createDatabase();
    String jdbc = server.jdbcUrl(db);

    env.progress("baseline: " + batches + " JDBC batches of " + PER_APPEND + " rows, one COMMIT each");
    RawPgWrites raw = new RawPgWrites(jdbc);
    raw.insertBatches(warmUp, PER_APPEND, data.unsafeBytes());
    BenchPostgres.checkpoint(jdbc);
    long r0 = System.nanoTime();
    Latencies rawLat = raw.insertBatches(batches, PER_APPEND, data.unsafeBytes());
    double rawEps = (double) batches * PER_APPEND / ((System.nanoTime() - r0) / 1e9);

    env.progress("engine: " + batches + " appends of " + PER_APPEND + " events");
    Latencies lat = new Latencies();
    double eps;
    double secs;
    PgAppendBreakdown spent;
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString())) {
      for (int b = 0; b < warmUp; b++) {
        store.append("warm-" + (b % 100), ExpectedVersion.ANY, LogBench.batch(data, PER_APPEND));
      }
      List<List<EventData>> prepared = new ArrayList<>(batches);
      for (int b = 0; b < batches; b++) {
        prepared.add(LogBench.batch(data, PER_APPEND));
      }
      BenchPostgres.checkpoint(jdbc);
      PgAppendBreakdown before = PgAppendBreakdown.of(store);
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        long t0 = System.nanoTime();
        store.append("bench-" + (b % 100), ExpectedVersion.ANY, prepared.get(b));
        lat.record(System.nanoTime() - t0);
      }
      secs = (System.nanoTime() - start) / 1e9;
      eps = (double) batches * PER_APPEND / secs;
      spent = PgAppendBreakdown.of(store).since(before);
      long acknowledged = (long) (warmUp + batches) * PER_APPEND;
      if (store.headPosition() != acknowledged) {
        throw new IllegalStateException("head " + store.headPosition() + " after " + acknowledged + " acknowledged events");
      }
    }
    PgTargets targets = PgTargets.none().ratioAtLeast(eps / rawEps, 0.7);
    String note = String.format(Locale.ROOT,
        "%d appends of %d x %d B events after %d warm-up, one thread, per-append latency; baseline: the same rows as"
            + " one JDBC batch + COMMIT per %d (p50 %.1f ms, p99 %.1f ms); %s; %s%s",
        batches, PER_APPEND, LogBench.EVENT_BYTES, warmUp, PER_APPEND, rawLat.percentileUs(50) / 1e3,
        rawLat.percentileUs(99) / 1e3, targets.text(), spent.text(secs), size.suffix(env));
    return new BenchResult(name(), PgAppendConcurrent.STORE, eps, lat.percentileUs(50), lat.percentileUs(99), BASELINE,
        rawEps, note);
  }
}
