package dev.annals.bench;

import java.util.List;

/** Every workload of {@code ./annals bench}, in the order they run. Add new ones here, explicitly. */
public final class Workloads {

  private Workloads() {}

  public static List<Workload> all() {
    return List.of(
        new InMemoryAppendBatch(),
        new LogAppendBatch(),
        new LogAppendConcurrent(),
        new LogReads.ReadAll(),
        new LogReads.ReadStream(),
        new LogReads.SubscribeCatchUp(),
        new LogOpen(),
        new AggregateLoad(),
        new StateKnownAt(),
        new ProjectionRebuild(),
        new HttpAppendConcurrent(),
        new HttpSubscribeFanout(),
        // on the run's throwaway PostgreSQL (skipped, saying why, where the machine has none)
        new PgAppendConcurrent(),
        new PgAppendBatch(),
        new PgReadAll(),
        new PgSubscribeCatchUp(),
        new PgLiveDelivery(),
        new PgHttpAppendConcurrent(),
        new PgProjectionRebuild(),
        // on the run's in-process Kafka broker
        new KafkaExport(),
        new KafkaEndToEnd(),
        new KafkaProjection());
  }
}
