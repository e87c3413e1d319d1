package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.core.Subscription;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ScanVerifier;
import dev.annals.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code http-subscribe-fanout}: 100 SSE subscribers ({@code GET /subscribe/all?from=1}) each read the
 * whole log of an in-memory store; the rate is event deliveries per second over all subscribers. The
 * subscribers are {@link SseReaders} (one thread, ids checked, JSON not decoded), so the row measures
 * the server's delivery path, not a client's JSON parsing. Baseline: 100 subscriptions on the same
 * store in-process. p50/p99 are not measured (no per-event latency).
 */
final class HttpSubscribeFanout implements Workload {

  private static final int SUBSCRIBERS = 100;

  @Override
  public String name() {
    return "http-subscribe-fanout";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int events = env.size(50_000, 5_000);
    Json data = InMemoryAppendBatch.payload(InMemoryAppendBatch.EVENT_BYTES);
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      List<EventData> batch = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        batch.add(new EventData(UUID.randomUUID(), "Bench", data, Json.EMPTY_OBJECT, Optional.empty()));
        if (batch.size() == 1000) {
          store.append("fan-" + i % 100, ExpectedVersion.ANY, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.append("fan-last", ExpectedVersion.ANY, batch);
      }
      AnnalsServer server = new AnnalsServer(store, ServerConfig.defaults().withPort(0),
          new ScanVerifier(store, true)).start();
      double http;
      try {
        SseReaders readers = new SseReaders(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
            SUBSCRIBERS);
        env.progress("http: warm-up, then " + SUBSCRIBERS + " SSE subscribers x " + events + " events");
        readers.readAll("/subscribe/all?from=1", 1, Math.min(events, 5_000), 600_000);
        http = SUBSCRIBERS * (double) events / readers.readAll("/subscribe/all?from=1", 1, events, 600_000);
      } finally {
        server.stop();
      }
      env.progress("baseline: " + SUBSCRIBERS + " in-process subscriptions");
      double direct = fanOut(store, events);
      return List.of(new BenchResult(name(), "http-sse(in-memory)", http, Double.NaN, Double.NaN,
          "in-memory-subscriptions", direct, SUBSCRIBERS + " subscribers x " + events + " events of "
              + InMemoryAppendBatch.EVENT_BYTES + " B, deliveries/s; SSE read by one-thread NIO readers that check"
              + " every id (no gap, no duplicate) but do not decode the JSON" + (env.quick() ? "; quick" : "")));
    }
  }

  static double fanOut(EventStore store, int events) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(SUBSCRIBERS);
    AtomicLong delivered = new AtomicLong();
    List<Subscription> subs = new ArrayList<>();
    long start = System.nanoTime();
    for (int s = 0; s < SUBSCRIBERS; s++) {
      AtomicLong mine = new AtomicLong();
      subs.add(store.subscribeToAll(1, Filter.all(), e -> {
        delivered.incrementAndGet();
        if (mine.incrementAndGet() == events) {
          done.countDown();
        }
      }));
    }
    boolean finished = done.await(10, TimeUnit.MINUTES);
    double secs = (System.nanoTime() - start) / 1e9;
    subs.forEach(Subscription::close);
    if (!finished) {
      throw new IllegalStateException("fan-out did not finish: " + delivered.get() + " deliveries");
    }
    return delivered.get() / secs;
  }
}
