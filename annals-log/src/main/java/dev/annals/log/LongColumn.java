package dev.annals.log;

import java.util.Arrays;

/**
 * An append-only column of longs with one writer and any number of readers: the writer appends, then
 * {@link #publish}es; readers see exactly the published prefix. Publication is a volatile write of
 * the size after the elements (and any grown array) are in place, so a reader that reads the size first
 * sees every element below it.
 */
final class LongColumn {

  private volatile long[] values;
  private volatile int size;
  private int written;

  LongColumn(int capacity) {
    values = new long[Math.max(4, capacity)];
  }

  LongColumn(long[] initial, int count) {
    values = initial;
    size = count;
    written = count;
  }

  /** Writer only: appends a value that readers do not see before {@link #publish}. */
  void add(long v) {
    long[] a = values;
    if (written == a.length) {
      a = Arrays.copyOf(a, a.length + (a.length >> 1) + 4);
      values = a;
    }
    a[written++] = v;
  }

  /** Writer only: makes every added value visible. */
  void publish() {
    size = written;
  }

  /** Writer only: forgets values added since the last publish. */
  void discardUnpublished() {
    written = size;
  }

  int size() {
    return size;
  }

  /** Reader: the value at {@code i} < {@link #size()}. */
  long get(int i) {
    return values[i];
  }

  /** A copy of the first {@code n} published values. */
  long[] copyOf(int n) {
    return Arrays.copyOf(values, n);
  }

  /** Number of published values {@code <= bound}, for a column that is sorted ascending. */
  int countAtMost(long bound) {
    int n = size;
    long[] a = values;
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= bound) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
