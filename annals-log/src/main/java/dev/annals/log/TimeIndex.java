package dev.annals.log;

/**
 * The time index: the {@code recordedAt} (microseconds) of every {@link #STRIDE}-th position (1,
 * 1 + STRIDE, ...). {@code recordedAt} never decreases along position, so a binary search over these
 * samples narrows {@code positionAt(instant)} to one stride, finished with a few record reads. Derived
 * from the log, persisted in the {@link IndexCheckpoint}. One writer, many readers.
 */
final class TimeIndex {

  static final int STRIDE = 64;

  final LongColumn samples;

  TimeIndex(LongColumn samples) {
    this.samples = samples;
  }

  static boolean sampled(long position) {
    return (position - 1) % STRIDE == 0;
  }

  static long positionOfSample(int i) {
    return (long) i * STRIDE + 1;
  }

  /**
   * The index of the first sample recorded at or after {@code micros}, or {@link #samples}'s size when
   * none is.
   */
  int firstSampleAtOrAfter(long micros) {
    int lo = 0;
    int hi = samples.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (samples.get(mid) < micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
