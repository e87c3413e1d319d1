package dev.annals.bench;

import dev.annals.client.HttpEventStore;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ScanVerifier;
import dev.annals.server.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code http-append-concurrent-64}: 64 clients appending single events to 10,000 streams through the
 * HTTP API (server and {@link HttpEventStore} in this JVM, over loopback). The store behind the server
 * is the in-memory one until the embedded log is bound to the server, so the row measures the HTTP
 * path; the baseline is the same 64 writers on the same store without HTTP.
 */
final class HttpAppendConcurrent implements Workload {

  private static final int WRITERS = 64;
  private static final int STREAMS = 10_000;

  @Override
  public String name() {
    return "http-append-concurrent-64";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int events = env.size(100_000, 10_000);
    Json data = InMemoryAppendBatch.payload(InMemoryAppendBatch.EVENT_BYTES);
    Measured http;
    try (InMemoryEventStore backing = new InMemoryEventStore()) {
      AnnalsServer server = new AnnalsServer(backing, ServerConfig.defaults().withPort(0),
          new ScanVerifier(backing, true)).start();
      try (HttpEventStore client = new HttpEventStore(server.uri(), Optional.empty())) {
        env.progress("http: " + events + " single-event appends from " + WRITERS + " clients");
        http = appendConcurrently(client, events, data);
      } finally {
        server.stop();
      }
    }
    Measured direct;
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      env.progress("baseline: the same appends on the store, no HTTP");
      direct = appendConcurrently(store, events, data);
    }
    return List.of(new BenchResult(name(), "http(in-memory)", http.eventsPerS(), http.latencies().percentileUs(50),
        http.latencies().percentileUs(99), "in-memory-direct", direct.eventsPerS(),
        events + " events of " + InMemoryAppendBatch.EVENT_BYTES + " B, " + WRITERS + " clients, " + STREAMS
            + " streams; the server's store is in-memory (isolates HTTP cost from fsync)" + (env.quick() ? "; quick" : "")));
  }

  record Measured(double eventsPerS, Latencies latencies) {}

  static Measured appendConcurrently(EventStore store, int events, Json data) throws InterruptedException {
    AtomicInteger left = new AtomicInteger(events);
    List<Latencies> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    for (int w = 0; w < WRITERS; w++) {
      Latencies lat = new Latencies();
      perThread.add(lat);
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          while (left.getAndDecrement() > 0) {
            String stream = "bench-" + ThreadLocalRandom.current().nextInt(STREAMS);
            EventData e = new EventData(UUID.randomUUID(), "Bench", data, Json.EMPTY_OBJECT, Optional.empty());
            long t0 = System.nanoTime();
            store.append(stream, ExpectedVersion.ANY, e);
            lat.record(System.nanoTime() - t0);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("an append failed", failures.getFirst());
    }
    Latencies all = new Latencies();
    perThread.forEach(all::merge);
    return new Measured(events / secs, all);
  }
}
