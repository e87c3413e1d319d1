package dev.annals.postgres;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** The append path's counters behind {@link AppendStats}. Thread-safe (the writer threads add, anyone reads). */
final class AppendMetrics {

  private final LongAdder groups = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder failedGroups = new LongAdder();
  private final LongAdder lockNanos = new LongAdder();
  private final LongAdder decideNanos = new LongAdder();
  private final LongAdder commitNanos = new LongAdder();

  /** One group committed (or rolled back, having written nothing). */
  void group(int groupWrites, int groupEvents, long lockAndRead, long decide, long writeAndCommit) {
    groups.increment();
    writes.add(groupWrites);
    events.add(groupEvents);
    lockNanos.add(lockAndRead);
    decideNanos.add(decide);
    commitNanos.add(writeAndCommit);
  }

  /** One group failed. */
  void failed() {
    failedGroups.increment();
  }

  AppendStats snapshot() {
    return new AppendStats(groups.sum(), writes.sum(), events.sum(), failedGroups.sum(),
        Duration.ofNanos(lockNanos.sum()), Duration.ofNanos(decideNanos.sum()), Duration.ofNanos(commitNanos.sum()));
  }
}
