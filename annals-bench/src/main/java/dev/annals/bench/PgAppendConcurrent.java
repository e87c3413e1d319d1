package dev.annals.bench;

import dev.annals.core.Json;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code pg-append-concurrent-64}: 64 platform threads append single events of 256 B to random streams
 * of 10,000 for a fixed time, on the PostgreSQL engine (one process: its writer groups concurrent
 * appends into one transaction each). Baseline on the same server, same run: 64 pgjdbc connections,
 * each inserting one comparable row and committing, in a loop. Targets (issue 19): at least twice
 * the baseline, p99 at most 20 ms.
 */
final class PgAppendConcurrent extends PgWorkload {

  static final String STORE = "postgresql";
  private static final String BASELINE = "raw-pgjdbc-insert-commit";


  PgAppendConcurrent() {
    this(PgSizes::of);
  }

  PgAppendConcurrent(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return STORE;
  }

  @Override
  public String name() {
    return "pg-append-concurrent-64";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    int threads = LogAppendConcurrent.THREADS;
    int streams = LogAppendConcurrent.STREAMS;
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    String db = server.createDatabase();
    String jdbc = server.jdbcUrl(db);

    env.progress("baseline: " + threads + " connections, one INSERT + COMMIT each, " + size.appendMillis() + " ms");
    RawPgWrites raw = new RawPgWrites(jdbc);
    raw.insertConcurrently(threads, streams, size.warmUpMillis(), data.unsafeBytes());
    BenchPostgres.checkpoint(jdbc);
    LogAppendConcurrent.Measured base = raw.insertConcurrently(threads, streams, size.appendMillis(), data.unsafeBytes());

    env.progress("engine: " + threads + " threads appending single events, " + size.appendMillis() + " ms");
    LogAppendConcurrent.Measured m;
    PgAppendBreakdown spent;
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString())) {
      LogAppendConcurrent.Measured warm = LogAppendConcurrent.appendFor(store, size.warmUpMillis(), data);
      BenchPostgres.checkpoint(jdbc);
      PgAppendBreakdown before = PgAppendBreakdown.of(store);
      m = LogAppendConcurrent.appendFor(store, size.appendMillis(), data);
      spent = PgAppendBreakdown.of(store).since(before);
      long acknowledged = warm.events() + m.events();
      if (store.headPosition() != acknowledged) {
        throw new IllegalStateException("head " + store.headPosition() + " after " + acknowledged + " acknowledged appends");
      }
    }
    double ratio = m.perSecond() / base.perSecond();
    double p99 = m.latencies().percentileUs(99);
    PgTargets targets = PgTargets.none().ratioAtLeast(ratio, 2).p99AtMostMs(p99, 20);
    String note = String.format(Locale.ROOT,
        "%d threads, %d streams, %d B events, %.1f s after %.1f s warm-up, %d events; baseline: %d connections each"
            + " INSERT 1 row + COMMIT (p50 %.1f ms, p99 %.1f ms); %s; %s%s",
        threads, streams, LogBench.EVENT_BYTES, size.appendMillis() / 1e3, size.warmUpMillis() / 1e3, m.events(),
        threads, base.latencies().percentileUs(50) / 1e3, base.latencies().percentileUs(99) / 1e3, targets.text(),
        spent.text(m.seconds()), size.suffix(env));
    return new BenchResult(name(), STORE, m.perSecond(), m.latencies().percentileUs(50), p99, BASELINE,
        base.perSecond(), note);
  }
}
