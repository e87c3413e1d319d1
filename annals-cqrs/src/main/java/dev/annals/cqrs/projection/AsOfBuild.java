package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.TimeViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Builds a read model as of a past moment into a throwaway target (a {@link MemoryTarget}, or a
 * {@link JdbcTarget} in a scratch directory): the three questions of docs/time.md, asked of a projection
 * instead of a stream.
 * <ul>
 *   <li>{@link #buildAt}{@code (n)}: the read model after the events at positions 1..n.
 *   <li>{@link #build}{@code (T)}: as the system knew it at T, from the events recorded at or before T
 *       (the end position comes from {@link EventStore#positionAt}). "Every account's balance as known
 *       on March 15 at 14:47."
 *   <li>{@link #buildValidAt}{@code (V, T)}: what was true at V as known at T, once the corrections
 *       known by T are counted: the events recorded by T and in effect by V ({@code effectiveAt <= V}),
 *       minus those revoked (metadata {@code revokes}) by any event recorded by T, applied in
 *       ({@code effectiveAt}, position) order.
 * </ul>
 * Stateless and thread-safe.
 */
public final class AsOfBuild {

  /**
   * The outcome.
   *
   * @param position the last position the build could include (the cut; 0 when nothing was recorded by then)
   * @param applied events applied
   */
  public record Result(long position, long applied) {}

  private static final int PAGE = 1000;

  private final EventStore store;
  private final RunnerOptions options;

  public AsOfBuild(EventStore store, RunnerOptions options) {
    this.store = store;
    this.options = options;
  }

  /**
   * Builds {@code projection} into {@code target} from the events recorded at or before {@code knownAt}.
   * Parks or stops on failures per the options' policy. A target that holds an earlier build of the
   * same projection version continues from its checkpoint.
   *
   * @throws IllegalArgumentException {@code target} holds a build of this version past that moment
   */
  public <S> Result build(Projection<S> projection, ProjectionTarget<S> target, Instant knownAt)
      throws InterruptedException {
    return buildUpTo(projection, target, lastKnownAt(knownAt));
  }

  /**
   * Builds {@code projection} into {@code target} from the events at positions 1..{@code position}
   * (all of them when {@code position} is past the head). Parks or stops on failures per the options'
   * policy.
   *
   * @throws IllegalArgumentException {@code position} is negative, or {@code target} holds a build of
   *     this version past it
   */
  public <S> Result buildAt(Projection<S> projection, ProjectionTarget<S> target, long position)
      throws InterruptedException {
    if (position < 0) {
      throw new IllegalArgumentException("position must be 0 or more, was " + position);
    }
    return buildUpTo(projection, target, Math.min(position, store.headPosition()));
  }

  /**
   * Builds {@code projection} into {@code target} as what was true at {@code validAt}, as known at
   * {@code knownAt} ({@link Instant#MAX} for every event recorded so far). Of the events recorded by
   * {@code knownAt} that the projection's filter selects, those with {@code effectiveAt <= validAt}
   * that no event recorded by {@code knownAt} revokes are applied, in ({@code effectiveAt}, position)
   * order: a correction dated into the past is applied where it took effect, not where it was learned.
   * Revocations count from every user event of the log, whatever its stream or type (a projection's
   * filter is usually the types it handles, which a correction's type need not be).
   *
   * <p>Reads the log up to the cut twice: once to find the revocations and the order, holding about
   * 64 bytes per selected event, and once to apply the events (an event out of position order costs
   * one read of its own). The target's checkpoint says nothing about this order, so the target must be
   * fresh: a build cannot be resumed.
   *
   * @throws IllegalArgumentException {@code target} already holds a build of this projection version
   */
  public <S> Result buildValidAt(Projection<S> projection, ProjectionTarget<S> target, Instant validAt,
      Instant knownAt) throws InterruptedException {
    long end = lastKnownAt(knownAt);
    Checkpoint cp = target.open(projection, 1);
    if (cp.position() != 0 || cp.partitionPosition(0) != 0) {
      throw new IllegalArgumentException("a valid-at build needs a fresh target; this one already holds events of "
          + projection.id() + " (up to position " + Math.max(cp.position(), cp.partitionPosition(0)) + ")");
    }
    List<Selected> selected = select(projection.filter(), validAt, end);
    AtomicLong applied = new AtomicLong();
    AtomicReference<@Nullable String> lastError = new AtomicReference<>();
    List<RecordedEvent> cached = List.of();
    List<RecordedEvent> run = new ArrayList<>();
    for (Selected s : selected) {
      RecordedEvent e = find(cached, s.position());
      if (e == null) {
        cached = store.readAll(s.position(), Direction.FORWARD, PAGE, projection.filter()).events();
        e = find(cached, s.position());
        if (e == null) {
          throw new IllegalStateException("position " + s.position() + " was read a moment ago and cannot be read now");
        }
      }
      if (!run.isEmpty() && (run.size() >= PAGE || e.position() < run.getLast().position())) {
        applyRun(projection, target, run, applied, lastError);
        run = new ArrayList<>();
      }
      run.add(e);
    }
    if (!run.isEmpty()) {
      applyRun(projection, target, run, applied, lastError);
    }
    return new Result(Math.max(0, end), applied.get());
  }

  /** An event a valid-at build applies: its place in the order, and its id (to drop it when revoked). */
  private record Selected(long seconds, int nanos, long position, long idHigh, long idLow) {}

  private static final Comparator<Selected> ORDER = Comparator.comparingLong(Selected::seconds)
      .thenComparingInt(Selected::nanos).thenComparingLong(Selected::position);

  /** The events of {@code filter} known by position {@code end}, in effect by {@code validAt}, not revoked; in order. */
  private List<Selected> select(Filter filter, Instant validAt, long end) {
    List<Selected> candidates = new ArrayList<>();
    Set<UUID> revoked = new HashSet<>();
    Filter everyEvent = filter.includeSystem() ? Filter.everything() : Filter.all();
    long from = 1;
    while (from <= end) {
      Page page = store.readAll(from, Direction.FORWARD, (int) Math.min(PAGE, end - from + 1), everyEvent);
      for (RecordedEvent e : page.events()) {
        if (e.position() > end) {
          break;
        }
        revoked.addAll(TimeViews.revokedBy(e));
        if (!e.effectiveAt().isAfter(validAt) && filter.matches(e)) {
          candidates.add(new Selected(e.effectiveAt().getEpochSecond(), e.effectiveAt().getNano(), e.position(), e.id().getMostSignificantBits(),
              e.id().getLeastSignificantBits()));
        }
      }
      if (page.end() || page.isEmpty()) {
        break;
      }
      from = page.next();
    }
    if (!revoked.isEmpty()) {
      candidates.removeIf(s -> revoked.contains(new UUID(s.idHigh(), s.idLow())));
    }
    candidates.sort(ORDER); // TimSort: near-linear when few events are dated out of order
    return candidates;
  }

  /** The event at {@code position} in a page (positions increasing), or null. */
  private static @Nullable RecordedEvent find(List<RecordedEvent> page, long position) {
    int lo = 0;
    int hi = page.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long p = page.get(mid).position();
      if (p < position) {
        lo = mid + 1;
      } else if (p > position) {
        hi = mid - 1;
      } else {
        return page.get(mid);
      }
    }
    return null;
  }

  /**
   * Applies events whose positions increase, through a fresh {@link PartitionApplier} (it skips what
   * lies at or below the last position it committed, which a run earlier in the order may pass).
   */
  private <S> void applyRun(Projection<S> projection, ProjectionTarget<S> target, List<RecordedEvent> run,
      AtomicLong applied, AtomicReference<@Nullable String> lastError) throws InterruptedException {
    PartitionApplier<S> applier = new PartitionApplier<>(projection, target, 0, 0, options.failurePolicy(),
        options.clock(), () -> 0L, applied, lastError);
    applier.apply(run, (a, b) -> { });
  }

  /** The last position recorded at or before {@code knownAt}; the head for {@link Instant#MAX}. */
  private long lastKnownAt(Instant knownAt) {
    if (!knownAt.isBefore(Instant.MAX)) {
      return store.headPosition();
    }
    // positionAt gives the first event recorded at or after an instant; recordedAt has microsecond
    // precision, so one nanosecond later keeps the events recorded exactly at knownAt.
    return store.positionAt(knownAt.plusNanos(1)) - 1;
  }

  private <S> Result buildUpTo(Projection<S> projection, ProjectionTarget<S> target, long end)
      throws InterruptedException {
    Checkpoint cp = target.open(projection, 1);
    long built = Math.max(cp.position(), cp.partitionPosition(0));
    if (cp.position() == 0 && cp.partitionPosition(0) > 0) {
      // what a valid-at build leaves: events committed in (effectiveAt, position) order, never a safe position
      throw new IllegalArgumentException("the target holds a valid-at build of " + projection.id()
          + "; build into a fresh target");
    }
    if (built > end) {
      throw new IllegalArgumentException("the target already holds " + projection.id() + " up to position " + built
          + ", past the cut asked for (" + end + "); build into a fresh target");
    }
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
    // Each unit of work commits the safe position as it was before its own events completed: one more
    // commit brings it up to the last event, so a finished build's checkpoint says what it holds (and a
    // safe position of 0 under a partition position stays the mark of a valid-at build).
    long safe = sequence.safePosition();
    if (safe > cp.position()) {
      try (ProjectionTarget.UnitOfWork<S> uow = target.begin(projection.id(), 0)) {
        uow.commit(0, safe);
      }
    }
    return new Result(Math.max(0, end), applied.get());
  }
}
