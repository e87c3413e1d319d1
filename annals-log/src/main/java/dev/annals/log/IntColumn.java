package dev.annals.log;

import java.util.Arrays;

/** Like {@link LongColumn}, for ints (byte offsets within a segment). One writer, many readers. */
final class IntColumn {

  private volatile int[] values;
  private volatile int size;
  private int written;

  IntColumn(int capacity) {
    values = new int[Math.max(4, capacity)];
  }

  IntColumn(int[] initial, int count) {
    values = initial;
    size = count;
    written = count;
  }

  void add(int v) {
    int[] a = values;
    if (written == a.length) {
      a = Arrays.copyOf(a, a.length + (a.length >> 1) + 4);
      values = a;
    }
    a[written++] = v;
  }

  void publish() {
    size = written;
  }

  void discardUnpublished() {
    written = size;
  }

  int size() {
    return size;
  }

  int get(int i) {
    return values[i];
  }

  int[] copyOf(int n) {
    return Arrays.copyOf(values, n);
  }
}
