package dev.annals.log;

import java.util.Arrays;
import java.util.UUID;

/**
 * The ids of the last {@code capacity} events, for idempotent {@code any} appends: an open-addressing
 * hash table (linear probing, backward-shift deletion) from id to position, plus a ring of the ids by
 * position so the oldest falls out as a new one comes in. About 40 bytes per remembered event; grows
 * on demand up to the window. Not persisted: rebuilt on open from the last {@code capacity} records of
 * the log. Writer thread only (not thread-safe).
 */
final class IdWindow {

  private final int capacity;
  private long[] most;
  private long[] least;
  private long[] positions; // 0 = empty slot
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
    most = new long[slots];
    least = new long[slots];
    positions = new long[slots];
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
    if ((count + 1) * 2 > positions.length) {
      rehash(positions.length * 2);
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
    int i = slot(m, l);
    while (positions[i] != 0) {
      if (most[i] == m && least[i] == l) {
        return positions[i];
      }
      i = (i + 1) & mask;
    }
    return 0;
  }

  private int slot(long m, long l) {
    long h = (m * 0x9E3779B97F4A7C15L) ^ (l * 0xC2B2AE3D27D4EB4FL);
    return (int) (h ^ (h >>> 29)) & mask;
  }

  private void insert(long m, long l, long position) {
    int i = slot(m, l);
    while (positions[i] != 0) {
      if (most[i] == m && least[i] == l) {
        positions[i] = position;
        return;
      }
      i = (i + 1) & mask;
    }
    most[i] = m;
    least[i] = l;
    positions[i] = position;
    count++;
  }

  private void remove(long m, long l, long position) {
    int i = slot(m, l);
    while (positions[i] != 0) {
      if (most[i] == m && least[i] == l) {
        if (positions[i] != position) {
          return; // a later event reused the id; keep it
        }
        positions[i] = 0;
        count--;
        // backward-shift the cluster so lookups never stop early
        int j = i;
        while (true) {
          j = (j + 1) & mask;
          if (positions[j] == 0) {
            return;
          }
          int home = slot(most[j], least[j]);
          boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
          if (movable) {
            most[i] = most[j];
            least[i] = least[j];
            positions[i] = positions[j];
            positions[j] = 0;
            i = j;
          }
        }
      }
      i = (i + 1) & mask;
    }
  }

  private void rehash(int slots) {
    long[] om = most;
    long[] ol = least;
    long[] op = positions;
    allocateTable(slots);
    count = 0;
    for (int i = 0; i < op.length; i++) {
      if (op[i] != 0) {
        insert(om[i], ol[i], op[i]);
      }
    }
  }

  void clear() {
    Arrays.fill(positions, 0);
    count = 0;
    ringCount = 0;
  }
}
