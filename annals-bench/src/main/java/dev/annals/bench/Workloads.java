package dev.annals.bench;

import java.util.List;

/** Every workload of {@code ./annals bench}, in the order they run. Add new ones here, explicitly. */
public final class Workloads {

  private Workloads() {}

  public static List<Workload> all() {
    return List.of(
        new InMemoryAppendBatch(),
        new AggregateLoad(),
        new StateKnownAt(),
        new ProjectionRebuild());
  }
}
