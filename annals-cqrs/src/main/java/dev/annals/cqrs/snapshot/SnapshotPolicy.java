package dev.annals.cqrs.snapshot;

import java.time.Duration;
import java.time.Instant;

/** When the command handler takes a snapshot after writing events. Immutable. */
public sealed interface SnapshotPolicy {

  /**
   * For a stream with a usable snapshot.
   *
   * @param eventsSinceSnapshot events of the stream after the latest usable snapshot, including the ones
   *     just written
   * @param lastSnapshotTakenAt when the latest usable snapshot was written
   */
  boolean shouldSnapshot(long eventsSinceSnapshot, Instant lastSnapshotTakenAt, Instant now);

  /**
   * For a stream with no usable snapshot yet.
   *
   * @param eventsSinceSnapshot all events of the stream, including the ones just written
   */
  boolean shouldSnapshot(long eventsSinceSnapshot, Instant now);

  /** Never take snapshots (loading replays the stream). */
  static SnapshotPolicy never() {
    return new Never();
  }

  /** Snapshot once {@code n} or more events have been written since the last snapshot. */
  static SnapshotPolicy everyEvents(long n) {
    return new EveryEvents(n);
  }

  /**
   * Snapshot when new events were written and the last snapshot is older than {@code age} (or there is
   * none).
   */
  static SnapshotPolicy olderThan(Duration age) {
    return new OlderThan(age);
  }

  record Never() implements SnapshotPolicy {
    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant lastSnapshotTakenAt, Instant now) {
      return false;
    }

    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant now) {
      return false;
    }
  }

  record EveryEvents(long n) implements SnapshotPolicy {
    public EveryEvents {
      if (n < 1) {
        throw new IllegalArgumentException("snapshot every n events needs n >= 1, was " + n);
      }
    }

    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant lastSnapshotTakenAt, Instant now) {
      return eventsSinceSnapshot >= n;
    }

    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant now) {
      return eventsSinceSnapshot >= n;
    }
  }

  record OlderThan(Duration age) implements SnapshotPolicy {
    public OlderThan {
      if (age.isNegative()) {
        throw new IllegalArgumentException("snapshot age must not be negative, was " + age);
      }
    }

    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant lastSnapshotTakenAt, Instant now) {
      return eventsSinceSnapshot > 0 && !lastSnapshotTakenAt.plus(age).isAfter(now);
    }

    @Override
    public boolean shouldSnapshot(long eventsSinceSnapshot, Instant now) {
      return eventsSinceSnapshot > 0;
    }
  }
}
