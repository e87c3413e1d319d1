package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A projection updated in the append path by {@link ProjectingEventStore}: when an append returns, its
 * events are in the read model (read-your-writes in embedded use). It reads the log from its checkpoint
 * up to the appended position, so concurrent appends are applied in position order, once, and a
 * restart catches up what it missed. One partition. Thread-safe (one lock serialises catch-ups).
 */
public final class InlineProjection<S> implements ProjectionRunner {

  private static final int PAGE = 1000;

  private final EventStore store;
  private final Projection<S> projection;
  private final ProjectionTarget<S> target;
  private final RunnerOptions options;
  private final CommitPositionSequence sequence;
  private final PartitionApplier<S> applier;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Optional<Throwable> failure = Optional.empty();
  private volatile boolean closed;

  /** Opens {@code projection} in {@code target} reading {@code store} (the undecorated store). */
  public InlineProjection(EventStore store, Projection<S> projection, ProjectionTarget<S> target, RunnerOptions options) {
    this.store = store;
    this.projection = projection;
    this.target = target;
    this.options = options;
    Checkpoint cp = target.open(projection, 1);
    if (cp.partitionCount() != 1) {
      throw new IllegalStateException(projection.id() + " was stored with " + cp.partitionCount()
          + " partitions; an inline projection has one");
    }
    this.sequence = new CommitPositionSequence(cp.position());
    this.applier = new PartitionApplier<>(projection, target, 0, cp.partitionPosition(0), options.failurePolicy(),
        options.clock(), sequence::safePosition, applied, lastError);
  }

  /**
   * Applies every event up to {@code upTo} not applied yet. Failures follow the policy; a stopped
   * projection is reported by its status, not to the appender (whose events are committed).
   */
  void catchUp(long upTo) {
    lock.lock();
    try {
      if (failure.isPresent() || closed) {
        return;
      }
      long from = sequence.safePosition() + 1;
      while (from <= upTo) {
        Page page = store.readAll(from, Direction.FORWARD, Math.min(PAGE, options.maxBatch()), projection.filter());
        List<RecordedEvent> events = page.events();
        if (!events.isEmpty()) {
          long[] tickets = new long[events.size()];
          for (int i = 0; i < tickets.length; i++) {
            tickets[i] = sequence.dispatch(events.get(i).position());
          }
          applier.apply(events, (a, b) -> sequence.complete(tickets, a, b));
        }
        sequence.examined(page.next() - 1);
        if (page.end()) {
          break;
        }
        from = page.next();
      }
    } catch (InterruptedException e) {
      // Interrupted in a retry's back-off: the events of this page not yet committed are read again by
      // the next catch-up (the next append or awaitPosition), not left dispatched forever.
      sequence.abandonInFlight();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = Optional.of(e);
      lastError.set(e.getMessage() == null ? e.toString() : e.getMessage());
      sequence.wakeAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ProjectionId id() {
    return projection.id();
  }

  @Override
  public ProjectionStatus status() {
    long head = store.headPosition();
    long position = sequence.safePosition();
    ProjectionState state = failure.isPresent() ? ProjectionState.FAILED
        : closed ? ProjectionState.STOPPED : ProjectionState.RUNNING;
    boolean live = target.liveVersion(projection.name()).orElse(-1) == projection.version();
    return new ProjectionStatus(projection.id(), state, live, position, head, Math.max(0, head - position),
        Lag.age(store, projection.filter(), position, head, options.clock()), 1, applied.get(),
        target.parked(projection.id()).size(), Optional.ofNullable(lastError.get()), Optional.empty());
  }

  @Override
  public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
    catchUp(Math.min(position, store.headPosition()));
    if (failure.isPresent()) {
      throw new ProjectionFailedException(projection.id(), "stopped before position " + position + ": " + failure.get().getMessage(), failure.get());
    }
    return sequence.awaitSafe(position, timeout);
  }

  @Override
  public List<ParkedEvent> parked() {
    return target.parked(projection.id());
  }

  @Override
  public void replayParked(long position) {
    if (parked().stream().noneMatch(p -> p.position() == position)) {
      throw new IllegalArgumentException(projection.id() + " has no parked event at position " + position);
    }
    Page page = store.readAll(position, Direction.FORWARD, 1, Filter.everything());
    if (page.isEmpty() || page.events().get(0).position() != position) {
      throw new IllegalStateException("the store has no event at position " + position);
    }
    lock.lock();
    try {
      applier.replay(page.events().get(0));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    sequence.wakeAll();
  }
}
