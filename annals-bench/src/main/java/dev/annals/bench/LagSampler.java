package dev.annals.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Samples a count (an exporter's lag behind the head, in events) every {@value #EVERY_MILLIS} ms on its own
 * thread until closed, then reports its median, 99th percentile and maximum: whether a latency came from
 * the sender falling behind or from later in the path.
 */
final class LagSampler implements AutoCloseable {

  private static final int EVERY_MILLIS = 5;

  private final Thread thread;
  private volatile boolean stop;
  private long[] samples = new long[4096];
  private int count;

  LagSampler(LongSupplier lag) {
    thread = Thread.ofPlatform().name("lag-sampler").daemon().start(() -> {
      while (!stop) {
        long v = lag.getAsLong();
        if (count == samples.length) {
          samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = v;
        try {
          Thread.sleep(EVERY_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Stops sampling (idempotent) and says "p50 12, p99 840, max 2100 events (1234 samples)". */
  String text() throws InterruptedException {
    close();
    if (count == 0) {
      return "no samples";
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "p50 %d, p99 %d, max %d events", sorted[(count - 1) / 2],
        sorted[(int) Math.min(count - 1, Math.ceil(0.99 * count) - 1)], sorted[count - 1]);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join();
  }
}
