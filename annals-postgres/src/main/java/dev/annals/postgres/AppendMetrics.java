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
  private final LongAdder oneTripGroups = new LongAdder();
  private final LongAdder refusedOneTrips = new LongAdder();

  /** One group committed (or rolled back, having written nothing). */
  void group(int groupWrites, int groupEvents, long lockAndRead, long decide, long writeAndCommit) {
    groups.increment();
    writes.add(groupWrites);
    events.add(groupEvents);
    lockNanos.add(lockAndRead);
    decideNanos.add(decide);
    commitNanos.add(writeAndCommit);
  }

  /** One group committed in one round trip (head lock, checks, rows and COMMIT: {@code nanos}). */
  void oneTrip(int groupWrites, int groupEvents, long nanos) {
    groups.increment();
    oneTripGroups.increment();
    writes.add(groupWrites);
    events.add(groupEvents);
    commitNanos.add(nanos);
  }

  /** The database refused a one-round-trip group (an expectation was wrong); it goes the two-round-trip way. */
  void refusedOneTrip(long nanos) {
    refusedOneTrips.increment();
    commitNanos.add(nanos);
  }

  /** One group failed. */
  void failed() {
    failedGroups.increment();
  }

  AppendStats snapshot() {
    return new AppendStats(groups.sum(), writes.sum(), events.sum(), failedGroups.sum(),
        Duration.ofNanos(lockNanos.sum()), Duration.ofNanos(decideNanos.sum()), Duration.ofNanos(commitNanos.sum()),
        oneTripGroups.sum(), refusedOneTrips.sum());
  }
}
