package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.core.Subscription;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code http-subscribe-fanout}: 100 SSE subscribers ({@code GET /subscribe/all?from=P}) on a server
 * over the embedded log ({@code fsync=always}, as {@code annals serve} runs). All subscribe at the empty
 * end of the log, then a writer appends the events (100 per append, in this JVM, through the store the
 * server serves) while the subscribers read them. The clock runs from the first append to the last
 * subscriber's last event, so the appends and every delivery are inside it; the rate is deliveries
 * per second over all subscribers. The subscribers are {@link SseReaders} (one thread, each stream's
 * ids checked to be exactly P, P+1, ..., P+n-1: every event once, in order; JSON not decoded), so the
 * row measures the server, not a client's JSON parsing. Baseline: the same appends with 100 in-process
 * subscriptions on another log store. p50/p99 are not measured (no per-event latency).
 */
final class HttpSubscribeFanout implements Workload {

  private static final int SUBSCRIBERS = 100;
  private static final int EVENTS_PER_APPEND = 100;

  @Override
  public String name() {
    return "http-subscribe-fanout";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int events = env.size(50_000, 10_000);
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    Timed http;
    try (LogEventStore store = Annals.open(env.newDir("http-fanout"), LogOptions.defaults())) {
      AnnalsServer server = new AnnalsServer(store, ServerConfig.defaults().withPort(0),
          new ScanVerifier(store, true)).start();
      try {
        SseReaders readers = new SseReaders(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
            SUBSCRIBERS);
        env.progress("http: warm-up, then " + SUBSCRIBERS + " SSE subscribers x " + events + " events appended live");
        overHttp(store, readers, events, data); // warm-up: the JIT compiles the whole path first
        http = overHttp(store, readers, events, data);
      } finally {
        server.stop();
      }
    }
    Timed direct;
    try (LogEventStore store = Annals.open(env.newDir("http-fanout-baseline"), LogOptions.defaults())) {
      env.progress("baseline: " + SUBSCRIBERS + " in-process subscriptions, the same appends");
      fanOut(store, events, data); // warm-up
      direct = fanOut(store, events, data);
    }
    return List.of(new BenchResult(name(), "http-sse(log, fsync=always)", http.deliveriesPerSecond(), Double.NaN,
        Double.NaN, "log-embedded-subscriptions", direct.deliveriesPerSecond(), String.format(Locale.ROOT,
            "%d subscribers x %d events of %d B appended live (%d per append, in-process) inside the timed window;"
                + " deliveries/s; the appends took %.2f of %.2f s; SSE read by one-thread NIO readers that check every"
                + " id (each event once, in order) but do not decode the JSON%s",
            SUBSCRIBERS, events, LogBench.EVENT_BYTES, EVENTS_PER_APPEND, http.appendSeconds(), http.seconds(),
            env.quick() ? "; quick" : "")));
  }

  /** The deliveries of one timed run and how long the appends alone took. */
  record Timed(long deliveries, double seconds, double appendSeconds) {
    double deliveriesPerSecond() {
      return deliveries / seconds;
    }
  }

  private static Timed overHttp(EventStore store, SseReaders readers, int events, Json data) throws Exception {
    long first = store.headPosition() + 1;
    Appender appender = new Appender(store, events, data);
    double secs = readers.readAll("/subscribe/all?from=" + first, first, events, 120_000, appender::start);
    appender.join();
    return new Timed((long) SUBSCRIBERS * events, secs, appender.seconds());
  }

  /** The same appends with 100 subscriptions in this process; each checks it sees every position once, in order. */
  static Timed fanOut(EventStore store, int events, Json data) throws Exception {
    long first = store.headPosition() + 1;
    CountDownLatch done = new CountDownLatch(SUBSCRIBERS);
    AtomicLong delivered = new AtomicLong();
    AtomicReference<@Nullable String> wrong = new AtomicReference<>();
    List<Subscription> subs = new ArrayList<>();
    for (int s = 0; s < SUBSCRIBERS; s++) {
      long[] next = {first};
      subs.add(store.subscribeToAll(first, Filter.all(), e -> {
        if (e.position() != next[0]) {
          wrong.compareAndSet(null, "expected position " + next[0] + ", got " + e.position());
        }
        next[0]++;
        delivered.incrementAndGet();
        if (next[0] == first + events) {
          done.countDown();
        }
      }));
    }
    Appender appender = new Appender(store, events, data);
    long start = System.nanoTime();
    appender.start();
    boolean finished = done.await(10, TimeUnit.MINUTES);
    double secs = (System.nanoTime() - start) / 1e9;
    subs.forEach(Subscription::close);
    appender.join();
    if (!finished || wrong.get() != null || delivered.get() != (long) SUBSCRIBERS * events) {
      throw new IllegalStateException("fan-out went wrong: " + delivered.get() + " deliveries"
          + (wrong.get() == null ? "" : "; " + wrong.get()));
    }
    return new Timed(delivered.get(), secs, appender.seconds());
  }

  /** Appends {@code events} events, {@link #EVENTS_PER_APPEND} per append, on a thread of its own. */
  private static final class Appender {
    private final Thread thread;
    private volatile @Nullable Throwable failure;
    private volatile double seconds;

    Appender(EventStore store, int events, Json data) {
      this.thread = Thread.ofPlatform().name("fanout-appender").unstarted(() -> {
        try {
          long t0 = System.nanoTime();
          List<EventData> batch = new ArrayList<>(EVENTS_PER_APPEND);
          for (int i = 0; i < events; i++) {
            batch.add(new EventData(UUID.randomUUID(), "Bench", data, Json.EMPTY_OBJECT, Optional.empty()));
            if (batch.size() == EVENTS_PER_APPEND || i == events - 1) {
              store.append("fan-" + (i / EVENTS_PER_APPEND) % 100, ExpectedVersion.ANY, batch);
              batch.clear();
            }
          }
          seconds = (System.nanoTime() - t0) / 1e9;
        } catch (Throwable t) {
          failure = t;
        }
      });
    }

    void start() {
      thread.start();
    }

    double seconds() {
      return seconds;
    }

    void join() throws Exception {
      thread.join();
      if (failure != null) {
        throw new IllegalStateException("the appender failed: " + failure, failure);
      }
    }
  }
}
