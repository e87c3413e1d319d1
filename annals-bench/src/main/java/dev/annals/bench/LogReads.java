package dev.annals.bench;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read side of the log: {@code read-all} (warm store, pages of 10,000, beside a raw sequential
 * read of the same segment files), {@code read-stream-1000} (one stream of 1,000 events interleaved
 * with 9,000 others), and {@code subscribe-catchup} (catch-up rate from the log; live append-to-delivery
 * latency with {@code fsync=always}).
 */
final class LogReads {

  private LogReads() {}

  static final class ReadAll implements Workload {
    @Override
    public String name() {
      return "read-all";
    }

    @Override
    public List<BenchResult> run(BenchEnv env) throws Exception {
      int events = env.size(2_000_000, 300_000);
      Path dir = LogBench.build(env, "read-all", events, 1000, 1000, InMemoryAppendBatch.payload(LogBench.EVENT_BYTES));
      try (LogEventStore store = Annals.open(dir)) {
        // warm the page cache and the JIT: at least 3 passes and 3 seconds
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
          readAll(store);
        }
        double[] secs = new double[3];
        double[] raw = new double[3];
        long n = 0;
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          n = readAll(store);
          secs[i] = (System.nanoTime() - t0) / 1e9;
          raw[i] = LogBench.rawSequentialRead(dir);
        }
        java.util.Arrays.sort(secs);
        java.util.Arrays.sort(raw);
        return List.of(new BenchResult(name(), "log", n / secs[1], Double.NaN, Double.NaN, "raw-sequential-read",
            events / raw[1], events + " events of " + LogBench.EVENT_BYTES + " B, pages of 10,000, warm, median of 3"
                + " passes; raw reads the " + (LogBench.logBytes(dir) >> 20) + " MiB of segments in 1 MiB chunks"
                + (env.quick() ? "; quick" : "")));
      }
    }

    static long readAll(EventStore store) {
      long from = 1;
      long n = 0;
      while (true) {
        Page p = store.readAll(from, Direction.FORWARD, 10_000, Filter.all());
        n += p.events().size();
        if (p.end()) {
          return n;
        }
        from = p.next();
      }
    }
  }

  static final class ReadStream implements Workload {
    @Override
    public String name() {
      return "read-stream-1000";
    }

    @Override
    public List<BenchResult> run(BenchEnv env) throws Exception {
      Path dir = env.newDir("read-stream");
      Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
      int reads = env.size(2_000, 300);
      try (LogEventStore store = Annals.open(dir, LogOptions.defaults().withFsync("never"))) {
        for (int i = 0; i < 1000; i++) {
          store.append("target-1", ExpectedVersion.ANY, LogBench.batch(data, 1));
          store.append("other-" + (i % 50), ExpectedVersion.ANY, LogBench.batch(data, 9));
        }
      }
      try (LogEventStore store = Annals.open(dir)) {
        Latencies lat = new Latencies();
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 300 || System.nanoTime() < warmUntil; i++) {
          store.readStream("target-1", 1, Direction.FORWARD, 1000);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < reads; i++) {
          long s = System.nanoTime();
          List<RecordedEvent> got = store.readStream("target-1", 1, Direction.FORWARD, 1000).events();
          lat.record(System.nanoTime() - s);
          if (got.size() != 1000) {
            throw new IllegalStateException("read " + got.size() + " events");
          }
        }
        double eps = reads * 1000.0 / ((System.nanoTime() - t0) / 1e9);
        double raw = LogBench.rawSequentialRead(dir);
        return List.of(new BenchResult(name(), "log", eps, lat.percentileUs(50), lat.percentileUs(99),
            "raw-sequential-read", 10_000 / raw, "1,000-event stream interleaved 1:9 with others (10,000 events), " + reads
                + " reads, latency per whole-stream read; raw reads all 10,000 events' bytes"
                + (env.quick() ? "; quick" : "")));
      }
    }
  }

  static final class SubscribeCatchUp implements Workload {
    @Override
    public String name() {
      return "subscribe-catchup";
    }

    @Override
    public List<BenchResult> run(BenchEnv env) throws Exception {
      List<BenchResult> rows = new ArrayList<>();
      int events = env.size(1_000_000, 200_000);
      Path dir = LogBench.build(env, "catchup", events, 1000, 1000, InMemoryAppendBatch.payload(LogBench.EVENT_BYTES));
      try (LogEventStore store = Annals.open(dir)) {
        for (int i = 0; i < 3; i++) {
          ReadAll.readAll(store); // warm the page cache and the JIT
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        long t0 = System.nanoTime();
        try (Subscription sub = store.subscribeToAll(1, Filter.all(), e -> {
          if (seen.incrementAndGet() == events) {
            done.countDown();
          }
        })) {
          if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("catch-up did not finish");
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double raw = LogBench.rawSequentialRead(dir);
        rows.add(new BenchResult(name(), "log(catch-up)", events / secs, Double.NaN, Double.NaN, "raw-sequential-read",
            events / raw, events + " events delivered from position 1 through subscribeToAll" + (env.quick() ? "; quick" : "")));
      }
      int live = env.size(3_000, 600);
      Path liveDir = env.newDir("live");
      try (LogEventStore store = Annals.open(liveDir)) {
        Latencies lat = new Latencies();
        CountDownLatch done = new CountDownLatch(live);
        long[] sent = new long[live + 1];
        Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
        try (Subscription sub = store.subscribeToAllLive(Filter.all(), e -> {
          lat.record(System.nanoTime() - sent[(int) e.position()]);
          done.countDown();
        })) {
          long t0 = System.nanoTime();
          for (int i = 1; i <= live; i++) {
            var batch = LogBench.batch(data, 1);
            sent[i] = System.nanoTime();
            store.append("live-" + (i % 100), ExpectedVersion.ANY, batch);
          }
          done.await(5, TimeUnit.MINUTES);
          double secs = (System.nanoTime() - t0) / 1e9;
          double rawEps;
          try (RawFileWriter raw = new RawFileWriter(env.newDir("raw-live").resolve("raw.bin"), true)) {
            ByteBuffer buf = ByteBuffer.allocate(400);
            long r0 = System.nanoTime();
            for (int i = 0; i < Math.min(live, 1000); i++) {
              buf.clear();
              raw.writeBatch(buf);
            }
            rawEps = Math.min(live, 1000) / ((System.nanoTime() - r0) / 1e9);
          }
          rows.add(new BenchResult(name(), "log(live,fsync=always)", live / secs, lat.percentileUs(50), lat.percentileUs(99),
              "raw-fsync-per-event", rawEps, live + " single-event appends from one thread; latency = append call to "
                  + "delivery to the subscriber" + (env.quick() ? "; quick" : "")));
        }
      }
      return rows;
    }
  }
}
