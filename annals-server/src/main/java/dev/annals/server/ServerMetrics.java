package dev.annals.server;

import dev.annals.core.FsyncReporting;
import dev.annals.kafka.ExportStatus;
import dev.annals.server.projections.ProjectionHost;
import dev.annals.server.projections.ProjectionSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's meters in a Micrometer Prometheus registry (one per server, not global): appended
 * events and append latency (a histogram), fsync latency (a histogram, embedded log only), requests
 * by status class, SSE subscribers and their lag behind the head, and the Kafka export when the server
 * runs one. Thread-safe.
 */
public final class ServerMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer appendLatency;
  private final Counter appendedEvents;
  private final Counter delivered;
  /**
   * {@code annals.http.requests} by status class (index 1..5 for 1xx..5xx), registered on first use (a
   * class never answered does not show) and then reused instead of looked up per request. A race
   * registers the same counter twice, which the registry answers with the one meter.
   */
  private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(6);

  ServerMetrics(LongSupplier head) {
    appendLatency = Timer.builder("annals.append.latency")
        .description("time to append one batch through the HTTP API, store included")
        .publishPercentileHistogram()
        .register(registry);
    appendedEvents = Counter.builder("annals.append.events")
        .description("events appended through the HTTP API (rate() gives the append rate)")
        .register(registry);
    delivered = Counter.builder("annals.subscription.delivered")
        .description("events delivered to SSE subscribers")
        .register(registry);
    Gauge.builder("annals.head.position", head::getAsLong)
        .description("position of the last event in the store").register(registry);
  }

  /**
   * {@code annals.fsync.latency}, a histogram of the write-path fsyncs of a store that reports them (the
   * embedded log; over other stores the server does not call this and there is no such meter).
   */
  void bindFsyncs(FsyncReporting store) {
    Timer fsync = Timer.builder("annals.fsync.latency")
        .description("duration of each fsync on the store's write path (one per group commit with fsync=always)")
        .publishPercentileHistogram()
        .register(registry);
    store.onFsync(nanos -> fsync.record(nanos, TimeUnit.NANOSECONDS));
  }

  /** Registers the subscriber gauges (the sessions are built after the metrics they count into). */
  void bindSubscribers(LongSupplier subscribers, LongSupplier maxLagEvents) {
    Gauge.builder("annals.subscribers", subscribers::getAsLong)
        .description("open SSE subscriptions").register(registry);
    Gauge.builder("annals.subscription.lag.events", maxLagEvents::getAsLong)
        .description("largest distance in positions between the head and an SSE subscriber to /subscribe/all")
        .register(registry);
  }

  /** Lag gauges per hosted projection (its live version): events behind the head and seconds. */
  void bindProjections(ProjectionHost host) {
    for (String name : host.names()) {
      Gauge.builder("annals.projection.lag.events", () -> lag(host, name).lagEvents())
          .description("positions between the head and the projection's checkpoint")
          .tag("projection", name).register(registry);
      Gauge.builder("annals.projection.lag.seconds", () -> lag(host, name).lagSeconds())
          .description("age of the oldest event the projection has not processed; 0 when caught up")
          .tag("projection", name).register(registry);
    }
  }

  /**
   * The Kafka export's gauges, tagged with its topic: the last position committed to Kafka, the events
   * behind the head, the recent rate, and its state (one gauge per state, 1 for the current one).
   */
  void bindKafkaExport(String topic, Supplier<ExportStatus> status) {
    Gauge.builder("annals.kafka.export.position", () -> status.get().exportedPosition())
        .description("position of the last event committed to the Kafka topic")
        .tag("topic", topic).register(registry);
    Gauge.builder("annals.kafka.export.lag.events", () -> status.get().lag())
        .description("events in the store not yet committed to the Kafka topic")
        .tag("topic", topic).register(registry);
    Gauge.builder("annals.kafka.export.events.per.second", () -> status.get().eventsPerSecond())
        .description("events committed to the Kafka topic per second, over the last few seconds")
        .tag("topic", topic).register(registry);
    for (ExportStatus.State state : ExportStatus.State.values()) {
      Gauge.builder("annals.kafka.export.state", () -> status.get().state() == state ? 1 : 0)
          .description("1 for the Kafka export's current state (starting, running, failed, stopped), else 0")
          .tag("topic", topic).tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
    }
  }

  private static ProjectionSnapshot lag(ProjectionHost host, String name) {
    return host.status(name);
  }

  public void appended(int events, long nanos) {
    appendLatency.record(nanos, TimeUnit.NANOSECONDS);
    appendedEvents.increment(events);
  }

  public void delivered(long events) {
    delivered.increment(events);
  }

  void request(int status) {
    int c = status / 100;
    if (c < 1 || c > 5) {
      registry.counter("annals.http.requests", "status", c + "xx").increment();
      return;
    }
    Counter counter = requests.get(c);
    if (counter == null) {
      counter = registry.counter("annals.http.requests", "status", c + "xx");
      requests.set(c, counter);
    }
    counter.increment();
  }

  public String scrape() {
    return registry.scrape();
  }
}
