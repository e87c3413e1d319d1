package dev.annals.cqrs.projection;

import dev.annals.core.RecordedEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Applies one partition's events, in order, in batches: each batch is one unit of work committed with
 * the partition's checkpoint. When an applier throws, the unit is rolled back; the events before the
 * failing one are committed on their own, and the failing one is retried alone with backoff, then
 * parked (committed with the checkpoint past it) or the projection stops, per the {@link FailurePolicy}.
 * A {@link BatchApplier} that throws does not say which event failed: the events are then applied one
 * per unit of work until the failing one is found and dealt with the same way.
 * Events at or below the partition's stored checkpoint are skipped: they were committed before a restart.
 *
 * <p>Not thread-safe: one per partition, used by that partition's thread.
 */
final class PartitionApplier<S> {

  /** Told which events of a list were committed (processed or parked). */
  interface Committed {
    void committed(int from, int to);
  }

  private final Projection<S> projection;
  private final ProjectionTarget<S> target;
  private final int partition;
  private final FailurePolicy policy;
  private final Clock clock;
  private final LongSupplier safePosition;
  private final AtomicLong applied;
  private final AtomicReference<@Nullable String> lastError;
  private long skipUpTo;

  PartitionApplier(Projection<S> projection, ProjectionTarget<S> target, int partition, long skipUpTo,
      FailurePolicy policy, Clock clock, LongSupplier safePosition, AtomicLong applied,
      AtomicReference<@Nullable String> lastError) {
    this.projection = projection;
    this.target = target;
    this.partition = partition;
    this.skipUpTo = skipUpTo;
    this.policy = policy;
    this.clock = clock;
    this.safePosition = safePosition;
    this.applied = applied;
    this.lastError = lastError;
  }

  /**
   * Applies {@code events} (positions increasing), calling {@code committed} after each commit.
   *
   * @throws ProjectionFailedException the policy stops the projection at an event
   * @throws InterruptedException while backing off
   */
  void apply(List<RecordedEvent> events, Committed committed) throws InterruptedException {
    int n = events.size();
    int from = 0;
    int end = n;
    int targetAttempts = 0;
    boolean oneByOne = false;
    while (from < n) {
      Failure f = tryBatch(events, from, end);
      if (f == null) {
        committed.committed(from, end);
        from = end;
        end = oneByOne ? Math.min(n, from + 1) : n;
        targetAttempts = 0;
      } else if (f.handler && f.somewhereIn) {
        // A batch applier failed on one of several events: find which, one event per unit of work.
        oneByOne = true;
        end = from + 1;
      } else if (!f.handler) {
        // The target itself failed (begin or commit): retry the same batch; never park for it.
        targetAttempts++;
        if (targetAttempts >= policy.maxAttempts()) {
          throw new ProjectionFailedException(projection.id(), "the target failed " + targetAttempts
              + " times at position " + events.get(from).position() + ": " + f.error, f.error);
        }
        Thread.sleep(policy.backoff(targetAttempts + 1).toMillis());
      } else if (f.index > from) {
        end = f.index; // commit the good prefix first
      } else {
        retryOrGiveUp(events.get(from), f.error);
        committed.committed(from, from + 1);
        from++;
        oneByOne = false;
        end = n;
      }
    }
  }

  /**
   * Where a batch failed; {@code handler} is false when the target failed rather than an applier;
   * {@code somewhereIn} when a batch applier failed on several events (the index is the first of them).
   */
  private record Failure(int index, Exception error, boolean handler, boolean somewhereIn) {
    Failure(int index, Exception error, boolean handler) {
      this(index, error, handler, false);
    }
  }

  /** Applies [from, to) in one unit of work and commits; on failure rolls back and says where (null: all applied). */
  private @Nullable Failure tryBatch(List<RecordedEvent> events, int from, int to) {
    long last = events.get(to - 1).position();
    if (last <= skipUpTo) {
      return null; // all committed before a restart
    }
    int count = 0;
    ProjectionTarget.UnitOfWork<S> uow;
    try {
      uow = target.begin(projection.id(), partition);
    } catch (RuntimeException e) {
      lastError.set(projection.id() + " partition " + partition + ": " + e);
      return new Failure(from, e, false);
    }
    try (uow) {
      S session = uow.session();
      if (projection.batched()) {
        int first = from;
        while (events.get(first).position() <= skipUpTo) {
          first++; // the last one is above skipUpTo (checked above)
        }
        try {
          projection.applyAll(session, events.subList(first, to));
        } catch (Exception ex) {
          lastError.set(to - first == 1 ? describe(events.get(first), ex)
              : "the batch of positions " + events.get(first).position() + ".." + last + ": " + ex);
          return new Failure(first, ex, true, to - first > 1);
        }
        count = to - first;
      }
      for (int i = projection.batched() ? to : from; i < to; i++) {
        RecordedEvent e = events.get(i);
        if (e.position() <= skipUpTo) {
          continue;
        }
        try {
          projection.apply(session, e);
        } catch (Exception ex) {
          lastError.set(describe(e, ex));
          return new Failure(i, ex, true);
        }
        count++;
      }
      if (count > 0) {
        try {
          uow.flush(); // writes the appliers queued: their failure is an applier's
        } catch (Exception ex) {
          int first = to - count; // the events applied: those above skipUpTo, a suffix (positions increase)
          lastError.set(count == 1 ? describe(events.get(first), ex)
              : "the writes of positions " + events.get(first).position() + ".." + last + ": " + ex);
          return new Failure(first, ex, true, count > 1);
        }
      }
      try {
        uow.commit(Math.max(last, skipUpTo), safePosition.getAsLong());
      } catch (ProjectionTarget.CheckpointFencedException fenced) {
        throw fenced; // another runner moved on: retrying would apply events twice
      } catch (RuntimeException ex) {
        lastError.set(projection.id() + " partition " + partition + ": commit failed: " + ex);
        return new Failure(from, ex, false);
      }
    } catch (ProjectionTarget.CheckpointFencedException fenced) {
      lastError.set(fenced.getMessage());
      throw fenced;
    } catch (RuntimeException closeFailure) {
      lastError.set(projection.id() + " partition " + partition + ": " + closeFailure);
      return new Failure(from, closeFailure, false);
    }
    skipUpTo = Math.max(skipUpTo, last);
    applied.addAndGet(count);
    return null;
  }

  /**
   * Retries one failing event with backoff, then parks it or stops, per the policy. A failure of the
   * target itself meanwhile (begin or commit) is not the event's: it is retried as in {@link #apply},
   * and stops the projection only after {@code maxAttempts} target failures in a row.
   */
  private void retryOrGiveUp(RecordedEvent event, Exception first) throws InterruptedException {
    Exception error = first;
    int attempt = 1;
    int targetFailures = 0;
    while (attempt < policy.maxAttempts()) {
      Thread.sleep(policy.backoff(attempt + 1).toMillis());
      Failure f = tryBatch(List.of(event), 0, 1);
      if (f == null) {
        return;
      }
      if (!f.handler) {
        targetFailures = targetFailed(event, f.error, targetFailures);
        continue;
      }
      targetFailures = 0;
      attempt++;
      error = f.error;
    }
    if (policy.whenExhausted() == FailurePolicy.Exhausted.STOP) {
      throw new ProjectionFailedException(projection.id(),
          "stopped at position " + event.position() + " after " + attempt + " attempts: " + error, error);
    }
    park(event, error, attempt);
  }

  /** Counts a target failure at {@code event}; throws once the policy's attempts are spent. */
  private int targetFailed(RecordedEvent event, Exception error, int failuresBefore) {
    int failures = failuresBefore + 1;
    if (failures >= policy.maxAttempts()) {
      throw new ProjectionFailedException(projection.id(), "the target failed " + failures + " times at position "
          + event.position() + ": " + error, error);
    }
    return failures;
  }

  private void park(RecordedEvent event, Exception error, int attempts) throws InterruptedException {
    ParkedEvent p = new ParkedEvent(event.position(), event.stream(), event.type(), stackTrace(error), attempts,
        clock.instant());
    int targetFailures = 0;
    while (true) {
      try (ProjectionTarget.UnitOfWork<S> uow = target.begin(projection.id(), partition)) {
        uow.park(p);
        uow.commit(Math.max(event.position(), skipUpTo), safePosition.getAsLong());
        break;
      } catch (ProjectionTarget.CheckpointFencedException fenced) {
        lastError.set(fenced.getMessage());
        throw fenced;
      } catch (RuntimeException e) {
        lastError.set(projection.id() + " partition " + partition + ": parking position " + event.position()
            + " failed: " + e);
        targetFailures = targetFailed(event, e, targetFailures);
        Thread.sleep(policy.backoff(targetFailures + 1).toMillis());
      }
    }
    skipUpTo = Math.max(skipUpTo, event.position());
  }

  /**
   * Applies a parked event again; on success it is removed from the parked events in the same unit of
   * work. The checkpoint does not move (it is already past the event).
   *
   * @throws ProjectionFailedException the applier still fails (the event stays parked)
   * @throws ProjectionTarget.NotParkedException the event is no longer parked (a concurrent replay took it)
   */
  void replay(RecordedEvent event) {
    try (ProjectionTarget.UnitOfWork<S> uow = target.begin(projection.id(), partition)) {
      uow.unpark(event.position()); // first: a JDBC target refuses a second replay before it applies anything
      projection.apply(uow.session(), event);
      uow.flush();
      uow.commitWithoutCheckpoint();
    } catch (ProjectionTarget.NotParkedException e) {
      throw e;
    } catch (Exception e) {
      lastError.set(describe(event, e));
      throw new ProjectionFailedException(projection.id(),
          "replay of parked position " + event.position() + " failed: " + e, e);
    }
    applied.incrementAndGet();
  }

  static String describe(RecordedEvent e, Throwable t) {
    return "position " + e.position() + " (" + e.stream() + " v" + e.version() + ", " + e.type() + "): " + t;
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    String s = w.toString();
    return s.length() > 4000 ? s.substring(0, 4000) : s;
  }
}
