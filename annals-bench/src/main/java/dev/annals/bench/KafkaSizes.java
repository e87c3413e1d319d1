package dev.annals.bench;

/**
 * How big the kafka rows run. Full sizes keep the three rows to a few minutes on a 2-core machine (the
 * broker shares the JVM and the cores with the bench); quick ones about a minute; tiny ones are for
 * tests.
 *
 * @param exportEvents events in the warm store that {@code kafka-export} exports (and its baseline sends)
 * @param exportWarmUp events each side of {@code kafka-export} sends untimed first, so neither is timed cold
 * @param exportRounds rounds of {@code kafka-export} (each side once per round, the faster of each kept)
 * @param transactionSize events per Kafka transaction, for the exporter and the raw producer alike
 * @param liveWarmUp appends of {@code kafka-end-to-end} before the latencies count
 * @param liveEvents appends measured, at {@code liveRate} appends per second
 * @param projectionEvents events {@code kafka-projection} folds, from Kafka and from the store
 */
record KafkaSizes(int exportEvents, int exportWarmUp, int exportRounds, int transactionSize, int liveWarmUp, int liveEvents, int liveRate,
    int projectionEvents) {

  static KafkaSizes full() {
    return new KafkaSizes(200_000, 20_000, 2, 1_000, 20_000, 100_000, 10_000, 200_000);
  }

  static KafkaSizes quick() {
    return new KafkaSizes(50_000, 20_000, 2, 1_000, 10_000, 30_000, 10_000, 50_000);
  }

  /** For tests: every code path once, in seconds. */
  static KafkaSizes tiny() {
    return new KafkaSizes(2_000, 0, 1, 200, 200, 500, 1_000, 2_000);
  }

  /** The full or the quick sizes, as the run asks. */
  static KafkaSizes of(BenchEnv env) {
    return env.quick() ? quick() : full();
  }

  /** Said at the end of each row's note. */
  String suffix(BenchEnv env) {
    return env.quick() ? "; quick" : "";
  }
}
