package dev.annals.kafka;

import java.util.ArrayDeque;

/** Events exported per second over the last few seconds, from (time, position) samples. Thread-safe. */
final class ExportRate {

  private static final long WINDOW_NANOS = 5_000_000_000L;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  synchronized void record(long nanos, long position) {
    samples.addLast(new long[] {nanos, position});
    while (samples.size() > 2 && nanos - samples.peekFirst()[0] > WINDOW_NANOS) {
      samples.removeFirst();
    }
  }

  synchronized double perSecond(long nanos) {
    if (samples.size() < 2 && (samples.isEmpty() || nanos - samples.peekFirst()[0] > WINDOW_NANOS)) {
      return 0;
    }
    long[] first = samples.peekFirst();
    long[] last = samples.peekLast();
    long elapsed = Math.max(nanos - first[0], 1_000_000L);
    if (nanos - last[0] > WINDOW_NANOS) {
      return 0;
    }
    return (last[1] - first[1]) * 1e9 / elapsed;
  }
}
