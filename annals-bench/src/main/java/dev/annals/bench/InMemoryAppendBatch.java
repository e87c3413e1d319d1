package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code append-batch-100} on the in-memory store (the test double), beside a raw in-memory copy of the
 * same bytes: shows the cost of the event model itself (validation, ids, records), no disk involved.
 */
final class InMemoryAppendBatch implements Workload {

  static final int EVENT_BYTES = 256;

  @Override
  public String name() {
    return "append-batch-100";
  }

  /** A JSON payload of exactly {@code bytes} bytes. */
  static Json payload(int bytes) {
    StringBuilder sb = new StringBuilder("{\"v\":\"");
    while (sb.length() < bytes - 2) {
      sb.append('x');
    }
    return Json.of(sb.append("\"}").toString());
  }

  @Override
  public List<BenchResult> run(BenchEnv env) {
    int batches = env.size(5_000, 1_000);
    Json data = payload(EVENT_BYTES);
    Latencies lat = new Latencies();
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        List<EventData> batch = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
          batch.add(new EventData(UUID.randomUUID(), "Bench", data, Json.EMPTY_OBJECT, java.util.Optional.empty()));
        }
        long t0 = System.nanoTime();
        store.append("bench-" + (b % 100), ExpectedVersion.ANY, batch);
        lat.record(System.nanoTime() - t0);
      }
      double secs = (System.nanoTime() - start) / 1e9;
      double eps = batches * 100 / secs;
      // Baseline: copying the same bytes into a growing heap buffer.
      ByteBuffer buf = ByteBuffer.allocate(EVENT_BYTES * 100);
      long raw0 = System.nanoTime();
      long sink = 0;
      for (int b = 0; b < batches; b++) {
        buf.clear();
        for (int i = 0; i < 100; i++) {
          buf.put(data.unsafeBytes());
        }
        sink += buf.position();
      }
      double rawSecs = Math.max(1e-9, (System.nanoTime() - raw0) / 1e9);
      double rawEps = sink / (double) EVENT_BYTES / rawSecs;
      return List.of(new BenchResult(name(), "in-memory", eps, lat.percentileUs(50), lat.percentileUs(99),
          "raw-heap-copy", rawEps, batches * 100 + " events of " + EVENT_BYTES + " B, per-batch latency"));
    }
  }
}
