package dev.annals.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer gauges of one member of a Kafka-fed projection, tagged with the projection, its version
 * and the topic:
 * <ul>
 *   <li>{@code annals.kafka.projection.lag} per {@code partition}: records between the stored offset
 *       and the partition's end; NaN for partitions another member owns (their member reports them);</li>
 *   <li>{@code annals.kafka.projection.partitions.assigned}: how many partitions this member owns;</li>
 *   <li>{@code annals.kafka.projection.parked}: events this member parked since it started.</li>
 * </ul>
 * Thread-safe (the gauges read the runner's published state).
 */
public final class KafkaProjectionMetrics implements MeterBinder {

  private final KafkaProjectionRunner<?> runner;

  KafkaProjectionMetrics(KafkaProjectionRunner<?> runner) {
    this.runner = runner;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    KafkaProjectionStatus first = runner.status();
    Tags tags = Tags.of("projection", first.projection().name(), "version",
        Integer.toString(first.projection().version()), "topic", first.topic());
    for (int p = 0; p < runner.partitions(); p++) {
      int partition = p;
      Gauge.builder("annals.kafka.projection.lag", runner, r -> {
            var lag = r.lag(partition);
            return lag.isPresent() ? lag.getAsLong() : Double.NaN;
          })
          .tags(tags).tag("partition", Integer.toString(p))
          .description("Records of the partition not yet applied by this member (NaN: owned by another member)")
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("annals.kafka.projection.partitions.assigned", runner, r -> r.lag().size())
        .tags(tags).description("Partitions of the topic this member owns").strongReference(true).register(registry);
    Gauge.builder("annals.kafka.projection.parked", runner, r -> r.status().parked())
        .tags(tags).description("Events this member parked since it started").strongReference(true).register(registry);
  }
}
