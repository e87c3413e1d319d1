package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds a read model as the system knew it at an instant: from the events recorded at or before
 * {@code knownAt} (the end position comes from {@link EventStore#positionAt}), into a throwaway target
 * (a {@link MemoryTarget}, or a {@link JdbcTarget} in a scratch directory). Answers "every account's
 * balance as known on March 15 at 14:47". Stateless and thread-safe.
 */
public final class AsOfBuild {

  /**
   * The outcome.
   *
   * @param position the last position included (0 when nothing was recorded by then)
   * @param applied events applied
   */
  public record Result(Instant knownAt, long position, long applied) {}

  private static final int PAGE = 1000;

  private final EventStore store;
  private final RunnerOptions options;

  public AsOfBuild(EventStore store, RunnerOptions options) {
    this.store = store;
    this.options = options;
  }

  /**
   * Builds {@code projection} into {@code target} from the events recorded at or before {@code knownAt}.
   * Parks or stops on failures per the options' policy.
   */
  public <S> Result build(Projection<S> projection, ProjectionTarget<S> target, Instant knownAt)
      throws InterruptedException {
    // positionAt gives the first event recorded at or after an instant; recordedAt has microsecond
    // precision, so one nanosecond later keeps the events recorded exactly at knownAt.
    long end = store.positionAt(knownAt.plusNanos(1)) - 1;
    Checkpoint cp = target.open(projection, 1);
    CommitPositionSequence sequence = new CommitPositionSequence(cp.position());
    AtomicLong applied = new AtomicLong();
    PartitionApplier<S> applier = new PartitionApplier<>(projection, target, 0, cp.partitionPosition(0),
        options.failurePolicy(), options.clock(), sequence::safePosition, applied, new AtomicReference<>());
    long from = cp.position() + 1;
    while (from <= end) {
      Page page = store.readAll(from, Direction.FORWARD, (int) Math.min(PAGE, end - from + 1), projection.filter());
      List<RecordedEvent> events = new ArrayList<>(page.events().size());
      for (RecordedEvent e : page.events()) {
        if (e.position() <= end) {
          events.add(e);
        }
      }
      if (!events.isEmpty()) {
        long[] tickets = new long[events.size()];
        for (int i = 0; i < tickets.length; i++) {
          tickets[i] = sequence.dispatch(events.get(i).position());
        }
        applier.apply(events, (a, b) -> sequence.complete(tickets, a, b));
      }
      if (page.end()) {
        break;
      }
      from = page.next();
    }
    return new Result(knownAt, Math.max(0, end), applied.get());
  }
}
