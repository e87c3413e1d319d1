package dev.annals.bench;

import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code append-batch-100} on the log with {@code fsync=always}: one thread appends batches of 100
 * events of 256 bytes (one append = one group = one write + one fsync), beside a raw
 * {@link RawFileWriter} writing the same number of bytes per batch with one fsync per batch.
 */
final class LogAppendBatch implements Workload {

  @Override
  public String name() {
    return "append-batch-100";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int batches = env.size(3_000, 400);
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    Path dir = env.newDir("append-batch");
    Latencies lat = new Latencies();
    double eps;
    long logBytes;
    try (LogEventStore store = Annals.open(dir, LogOptions.defaults())) {
      for (int b = 0; b < 20; b++) { // warm-up
        store.append("warm-" + b, ExpectedVersion.ANY, LogBench.batch(data, 100));
      }
      List<List<dev.annals.core.EventData>> prepared = new java.util.ArrayList<>(batches);
      for (int b = 0; b < batches; b++) {
        prepared.add(LogBench.batch(data, 100));
      }
      long before = LogBench.logBytes(dir);
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        long t0 = System.nanoTime();
        store.append("bench-" + (b % 100), ExpectedVersion.ANY, prepared.get(b));
        lat.record(System.nanoTime() - t0);
      }
      eps = batches * 100 / ((System.nanoTime() - start) / 1e9);
      logBytes = LogBench.logBytes(dir) - before;
    }
    int bytesPerBatch = (int) (logBytes / batches);
    double rawEps;
    try (RawFileWriter raw = new RawFileWriter(env.newDir("raw-batch").resolve("raw.bin"), true)) {
      ByteBuffer buf = ByteBuffer.allocate(bytesPerBatch);
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        buf.clear();
        raw.writeBatch(buf);
      }
      rawEps = batches * 100 / ((System.nanoTime() - start) / 1e9);
    }
    return List.of(new BenchResult(name(), "log(fsync=always)", eps, lat.percentileUs(50), lat.percentileUs(99),
        "raw-filechannel", rawEps, batches + " batches of 100 x " + LogBench.EVENT_BYTES + " B events, "
            + bytesPerBatch + " B and 1 fsync per batch for both; per-batch latency" + (env.quick() ? "; quick" : "")));
  }
}
