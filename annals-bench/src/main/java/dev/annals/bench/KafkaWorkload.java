package dev.annals.bench;

import dev.annals.kafka.local.LocalKafka;
import java.util.List;
import java.util.function.Function;

/**
 * A benchmark row on the run's in-process Kafka broker: measured when the broker is up, a
 * {@code skipped} row saying why when it could not start. Subclasses measure; this class decides
 * whether they can.
 */
abstract class KafkaWorkload implements Workload {

  private final Function<BenchEnv, KafkaSizes> sizes;

  KafkaWorkload(Function<BenchEnv, KafkaSizes> sizes) {
    this.sizes = sizes;
  }

  /** The row's store column (also on its skipped row). */
  abstract String store();

  /** Runs the workload and its baseline on {@code kafka}. */
  abstract BenchResult measure(BenchEnv env, LocalKafka kafka, KafkaSizes size) throws Exception;

  @Override
  public final List<BenchResult> run(BenchEnv env) throws Exception {
    return switch (env.kafka().availability()) {
      case BenchKafka.Availability.Down down -> List.of(BenchResult.skipped(name(), store(), down.why()));
      case BenchKafka.Availability.Up up -> List.of(measure(env, up.kafka(), sizes.apply(env)));
    };
  }
}
