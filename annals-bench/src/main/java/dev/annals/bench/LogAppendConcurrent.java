package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code append-concurrent-64}: 64 writer threads, single-event appends (256 B) to random streams of
 * 10,000, {@code fsync=always}, for a fixed time. Group commit turns them into few fsyncs; the baseline
 * is a raw writer at the same fsync cadence the engine achieved (same bytes per fsync).
 */
final class LogAppendConcurrent implements Workload {

  static final int THREADS = 64;
  static final int STREAMS = 10_000;

  @Override
  public String name() {
    return "append-concurrent-64";
  }

  /** What a timed run of the writers did. */
  record Measured(long events, Latencies latencies, double seconds) {
    double perSecond() {
      return events / seconds;
    }
  }

  /**
   * {@value #THREADS} platform threads append single events ({@code data}) to random streams of
   * {@value #STREAMS} for {@code millis} ms; the run the HTTP row compares itself with, too.
   */
  static Measured appendFor(EventStore store, long millis, Json data) throws InterruptedException {
    return appendFor(store, millis, data, Thread.ofPlatform());
  }

  /** As above, on threads of {@code threads} (platform or virtual). */
  static Measured appendFor(EventStore store, long millis, Json data, Thread.Builder threads)
      throws InterruptedException {
    AtomicLong total = new AtomicLong();
    List<Latencies> perThread = new ArrayList<>();
    long end = System.nanoTime() + millis * 1_000_000;
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    for (int t = 0; t < THREADS; t++) {
      Latencies lat = new Latencies();
      perThread.add(lat);
      started.add(threads.start(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long n = 0;
        try {
          while (System.nanoTime() < end) {
            EventData e = new EventData(new UUID(rnd.nextLong(), rnd.nextLong()), "Bench", data, Json.EMPTY_OBJECT,
                Optional.empty());
            long t0 = System.nanoTime();
            store.append("acct-" + rnd.nextInt(STREAMS), ExpectedVersion.ANY, List.of(e));
            lat.record(System.nanoTime() - t0);
            n++;
          }
        } catch (Throwable failed) {
          failures.add(failed);
        }
        total.addAndGet(n);
      }));
    }
    for (Thread t : started) {
      t.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("an append failed", failures.getFirst());
    }
    Latencies all = new Latencies();
    perThread.forEach(all::merge);
    return new Measured(total.get(), all, secs);
  }

  /**
   * Two rows: 64 platform threads (each append parks and wakes its thread through the kernel), and 64
   * virtual threads (how the server runs requests: a wake-up is a task handed to a carrier thread).
   */
  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    return List.of(row(env, "log(fsync=always)", Thread.ofPlatform()),
        row(env, "log(fsync=always, virtual threads)", Thread.ofVirtual()));
  }

  private BenchResult row(BenchEnv env, String store, Thread.Builder threads) throws Exception {
    long millis = env.quick() ? 4_000 : 15_000;
    long warmUp = env.quick() ? 1_000 : 5_000;
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    Path dir = env.newDir("append-concurrent");
    Measured m;
    long fsyncs;
    long logBytes;
    double fsyncBusy;
    double fsyncMeanUs;
    try (LogEventStore log = Annals.open(dir, LogOptions.defaults())) {
      appendFor(log, warmUp, data, threads); // the same load first, so the JIT has compiled the path
      AtomicLong fsyncNanos = new AtomicLong();
      log.onFsync(fsyncNanos::addAndGet);
      long fsyncsBefore = log.fsyncs();
      long bytesBefore = LogBench.logBytes(dir);
      m = appendFor(log, millis, data, threads);
      fsyncs = log.fsyncs() - fsyncsBefore;
      fsyncBusy = fsyncNanos.get() / 1e9 / m.seconds();
      fsyncMeanUs = fsyncNanos.get() / 1e3 / Math.max(1, fsyncs);
      logBytes = LogBench.logBytes(dir) - bytesBefore;
    }
    long total = m.events();
    double eps = m.perSecond();
    Latencies all = m.latencies();
    double eventsPerFsync = total / (double) Math.max(1, fsyncs);
    int bytesPerFsync = (int) (logBytes / Math.max(1, fsyncs));
    int rawFsyncs = (int) Math.min(fsyncs, env.quick() ? 2_000 : 10_000);
    double rawEps;
    try (RawFileWriter raw = new RawFileWriter(env.newDir("raw-concurrent").resolve("raw.bin"), true)) {
      ByteBuffer buf = ByteBuffer.allocate(Math.max(1, bytesPerFsync));
      long start = System.nanoTime();
      for (int i = 0; i < rawFsyncs; i++) {
        buf.clear();
        raw.writeBatch(buf);
      }
      rawEps = rawFsyncs * eventsPerFsync / ((System.nanoTime() - start) / 1e9);
    }
    return new BenchResult(name(), store, eps, all.percentileUs(50), all.percentileUs(99),
        "raw-filechannel", rawEps, String.format(java.util.Locale.ROOT,
            "%d threads, %d streams, %.1f s after %.0f s warm-up, %d events in %d fsyncs (%.1f events/fsync, fsync mean %.0f us,"
                + " disk busy %.0f%% of the run); raw writer at that same cadence (%d B per fsync)%s", THREADS, STREAMS,
            millis / 1e3, warmUp / 1e3, total, fsyncs, eventsPerFsync, fsyncMeanUs, 100 * fsyncBusy, bytesPerFsync,
            env.quick() ? "; quick" : ""));
  }
}
