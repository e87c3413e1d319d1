package dev.annals.log;

import java.util.UUID;

/**
 * The ids of the last {@code capacity} events, for idempotent {@code any} appends: an open-addressing
 * hash table (linear probing, backward-shift deletion) from id to position, plus a ring of the ids by
 * position so the oldest falls out as a new one comes in. About 40 bytes per remembered event; grows
 * on demand up to the window. Not persisted: rebuilt on open from the last {@code capacity} records of
 * the log. Writer thread only (not thread-safe).
 */
final class IdWindow {

  /** Longs per slot of {@link #table}: the id's two halves and its position, side by side. */
  private static final int STRIDE = 3;

  private final int capacity;
  /**
   * The hash table, {@link #STRIDE} longs per slot ({@code most, least, position}; position 0 = empty).
   * One array rather than three, so a probe touches one cache line instead of three: with a window of a
   * million ids the table is far larger than the caches, and these misses were most of the cost.
   */
  private long[] table;
  private int mask;
  private int count;
  private long[] ringMost;
  private long[] ringLeast;
  private long newest;
  private int ringCount;

  IdWindow(int capacity) {
    this.capacity = capacity;
    allocateTable(64);
    ringMost = new long[Math.min(capacity, 64)];
    ringLeast = new long[Math.min(capacity, 64)];
  }

  private void allocateTable(int slots) {
    table = new long[slots * STRIDE];
    mask = slots - 1;
  }

  int size() {
    return count;
  }

  /** Remembers {@code id} at {@code position}; positions must be added in increasing order. */
  void add(UUID id, long position) {
    if (capacity == 0) {
      return;
    }
    long m = id.getMostSignificantBits();
    long l = id.getLeastSignificantBits();
    if (ringCount >= capacity) {
      long oldest = position - capacity;
      int r = ringIndex(oldest);
      remove(ringMost[r], ringLeast[r], oldest);
      ringCount--;
    }
    growRingFor(position);
    ringCount++;
    int r = ringIndex(position);
    ringMost[r] = m;
    ringLeast[r] = l;
    newest = position;
    if ((count + 1) * 2 > mask + 1) {
      rehash((mask + 1) * 2);
    }
    insert(m, l, position);
  }

  private int ringIndex(long position) {
    return (int) Math.floorMod(position, (long) ringMost.length);
  }

  private void growRingFor(long position) {
    if (ringMost.length >= capacity || ringCount < ringMost.length) {
      return;
    }
    int n = (int) Math.min(capacity, (long) ringMost.length * 2);
    long[] nm = new long[n];
    long[] nl = new long[n];
    for (long p = newest - ringCount + 1; p <= newest; p++) {
      int from = (int) Math.floorMod(p, (long) ringMost.length);
      int to = (int) Math.floorMod(p, (long) n);
      nm[to] = ringMost[from];
      nl[to] = ringLeast[from];
    }
    ringMost = nm;
    ringLeast = nl;
  }

  /** The position of {@code id}, or 0 when it is not in the window. */
  long get(UUID id) {
    long m = id.getMostSignificantBits();
    long l = id.getLeastSignificantBits();
    long[] t = table;
    for (int i = slot(m, l); ; i = (i + 1) & mask) {
      int k = i * STRIDE;
      long p = t[k + 2];
      if (p == 0) {
        return 0;
      }
      if (t[k] == m && t[k + 1] == l) {
        return p;
      }
    }
  }

  private int slot(long m, long l) {
    long h = (m * 0x9E3779B97F4A7C15L) ^ (l * 0xC2B2AE3D27D4EB4FL);
    return (int) (h ^ (h >>> 29)) & mask;
  }

  private void insert(long m, long l, long position) {
    long[] t = table;
    int i = slot(m, l);
    while (t[i * STRIDE + 2] != 0) {
      int k = i * STRIDE;
      if (t[k] == m && t[k + 1] == l) {
        t[k + 2] = position;
        return;
      }
      i = (i + 1) & mask;
    }
    int k = i * STRIDE;
    t[k] = m;
    t[k + 1] = l;
    t[k + 2] = position;
    count++;
  }

  private void remove(long m, long l, long position) {
    long[] t = table;
    int i = slot(m, l);
    while (t[i * STRIDE + 2] != 0) {
      int k = i * STRIDE;
      if (t[k] == m && t[k + 1] == l) {
        if (t[k + 2] != position) {
          return; // a later event reused the id; keep it
        }
        t[k + 2] = 0;
        count--;
        // backward-shift the cluster so lookups never stop early
        int j = i;
        while (true) {
          j = (j + 1) & mask;
          int kj = j * STRIDE;
          if (t[kj + 2] == 0) {
            return;
          }
          int home = slot(t[kj], t[kj + 1]);
          boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
          if (movable) {
            int ki = i * STRIDE;
            t[ki] = t[kj];
            t[ki + 1] = t[kj + 1];
            t[ki + 2] = t[kj + 2];
            t[kj + 2] = 0;
            i = j;
          }
        }
      }
      i = (i + 1) & mask;
    }
  }

  private void rehash(int slots) {
    long[] old = table;
    allocateTable(slots);
    count = 0;
    for (int k = 0; k < old.length; k += STRIDE) {
      if (old[k + 2] != 0) {
        insert(old[k], old[k + 1], old[k + 2]);
      }
    }
  }
}
