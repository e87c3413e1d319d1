package dev.annals.postgres;

import java.time.Duration;

/**
 * The append path's counters behind {@link AppendStats}. Written by the writer thread only, read by any
 * thread (volatile fields, one writer): thread-safe in that sense.
 */
final class AppendMetrics {

  private volatile long groups;
  private volatile long writes;
  private volatile long events;
  private volatile long failedGroups;
  private volatile long lockNanos;
  private volatile long statementNanos;
  private volatile long commitNanos;

  /** Writer thread: one group committed (or rolled back, having written nothing). */
  void group(int groupWrites, int groupEvents, long lock, long statements, long commit) {
    groups++;
    writes += groupWrites;
    events += groupEvents;
    lockNanos += lock;
    statementNanos += statements;
    commitNanos += commit;
  }

  /** Writer thread: one group failed. */
  void failed() {
    failedGroups++;
  }

  AppendStats snapshot() {
    return new AppendStats(groups, writes, events, failedGroups, Duration.ofNanos(lockNanos),
        Duration.ofNanos(statementNanos), Duration.ofNanos(commitNanos));
  }
}
