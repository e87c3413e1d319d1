package dev.annals.bench;

import dev.annals.core.Json;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code open-10m}: the time to open a store of 10,000,000 events (after a clean close: the index
 * checkpoint plus the id window are read, not the whole log), beside a raw sequential read of the log
 * (what an open that scanned everything would at least cost).
 */
final class LogOpen implements Workload {

  @Override
  public String name() {
    return "open-10m";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int events = env.size(10_000_000, 1_000_000);
    Path dir = LogBench.build(env, "open", events, 10_000, 10_000, Json.of("{\"n\":1}"));
    LogBench.rawSequentialRead(dir); // warm the page cache for both
    long t0 = System.nanoTime();
    long head;
    try (LogEventStore store = Annals.open(dir)) {
      head = store.headPosition();
      if (head != events) {
        throw new IllegalStateException("opened with head " + head);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double raw = LogBench.rawSequentialRead(dir);
      return List.of(new BenchResult(name(), "log(open)", events / secs, secs * 1e6, secs * 1e6, "raw-sequential-read",
          events / raw, String.format(java.util.Locale.ROOT, "open of %,d events took %.0f ms (p50/p99 = that time in us);"
              + " %d MiB of log; idempotency window 1,000,000%s", events, secs * 1e3, LogBench.logBytes(dir) >> 20,
              env.quick() ? "; quick: 1M events, not 10M" : "")));
    }
  }
}
