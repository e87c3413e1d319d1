package dev.annals.bench;

/**
 * How big the pg rows run. Full sizes keep the five rows under about four minutes on a 2-core machine
 * (the server shares the cores with the bench); quick ones under a minute; tiny ones are for tests.
 *
 * @param appendMillis how long each side of {@code pg-append-concurrent-64} is measured
 * @param warmUpMillis the same load first, unmeasured, so the JIT and the server's caches are warm
 * @param batches appends of 100 events each side of {@code pg-append-batch-100} makes
 * @param readEvents events the read rows page through (the issue asks for at least a million)
 * @param liveWarmUp live events delivered before the latencies count (the child JVM's JIT warms up)
 * @param liveEvents live events measured, appended at {@code liveRate} appends per second
 */
record PgSizes(long appendMillis, long warmUpMillis, int batches, int readEvents, int liveWarmUp, int liveEvents,
    int liveRate) {

  static PgSizes full() {
    return new PgSizes(10_000, 3_000, 1_000, 1_000_000, 1_000, 8_000, 1_000);
  }

  static PgSizes quick() {
    return new PgSizes(3_000, 1_000, 500, 200_000, 1_000, 3_000, 1_000);
  }

  /** For tests: every code path once, in seconds. */
  static PgSizes tiny() {
    return new PgSizes(500, 200, 10, 3_000, 20, 100, 1_000);
  }

  /** The full or the quick sizes, as the run asks. */
  static PgSizes of(BenchEnv env) {
    return env.quick() ? quick() : full();
  }

  /** Said at the end of each row's note. */
  String suffix(BenchEnv env) {
    return env.quick() ? "; quick" : "";
  }
}
