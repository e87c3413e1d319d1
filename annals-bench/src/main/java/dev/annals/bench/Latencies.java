package dev.annals.bench;

import java.util.Arrays;

/** Records latencies in nanoseconds and reports percentiles in microseconds. Not thread-safe: one per thread, then {@link #merge}. */
public final class Latencies {

  private long[] samples = new long[1024];
  private int count;

  public void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  public void merge(Latencies other) {
    for (int i = 0; i < other.count; i++) {
      record(other.samples[i]);
    }
  }

  public int count() {
    return count;
  }

  /** The p-th percentile (0..100) in microseconds; NaN when empty. */
  public double percentileUs(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int idx = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100.0 * count) - 1));
    return sorted[idx] / 1000.0;
  }
}
