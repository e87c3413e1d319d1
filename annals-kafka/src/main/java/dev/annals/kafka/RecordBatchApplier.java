package dev.annals.kafka;

import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.projection.FailurePolicy;
import dev.annals.cqrs.projection.ParkedEvent;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionFailedException;
import dev.annals.cqrs.projection.ProjectionTarget;
import dev.annals.cqrs.projection.ProjectionTarget.SourceFencedException;
import dev.annals.cqrs.projection.SourceOffset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies the events one poll brought from one partition in one unit of work, committed with the
 * partition's next offset by a compare-and-set on the offset this member last read or committed. When
 * an applier throws, the unit is rolled back; the events are then applied one by one to find the
 * failing event, which is retried with backoff and then parked (committed with the offset past it) or
 * stops the projection, per the {@link FailurePolicy}. A failing target is retried the same way and
 * never parks anything.
 *
 * <p>Not thread-safe: the runner's consumer thread.
 */
final class RecordBatchApplier<S> {

  /** What became of one partition's batch. */
  sealed interface Outcome permits Committed, Fenced {}

  /** Committed with {@code offset}. */
  record Committed(SourceOffset offset, int parked) implements Outcome {}

  /** Another consumer committed the partition since; nothing was committed. */
  record Fenced(String reason) implements Outcome {}

  private sealed interface Attempt permits Done, HandlerFailed, TargetFailed {}

  private record Done(Outcome outcome) implements Attempt {}

  /** An applier threw; {@code event} is empty when a batch failed as a whole. */
  private record HandlerFailed(Optional<RecordedEvent> event, Exception error) implements Attempt {}

  private record TargetFailed(RuntimeException error) implements Attempt {}

  private final Projection<S> projection;
  private final ProjectionTarget<S> target;
  private final String source;
  private final FailurePolicy policy;
  private final Clock clock;

  RecordBatchApplier(Projection<S> projection, ProjectionTarget<S> target, String source, FailurePolicy policy,
      Clock clock) {
    this.projection = projection;
    this.target = target;
    this.source = source;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Applies {@code events} (the projection's, in offset order) and commits {@code next} if the stored
   * offset is still {@code expectedOffset}.
   *
   * @throws ProjectionFailedException the policy stops the projection at an event, or the target kept failing
   * @throws InterruptedException while backing off
   */
  Outcome apply(List<RecordedEvent> events, long expectedOffset, SourceOffset next) throws InterruptedException {
    Map<Long, ParkedEvent> parked = new LinkedHashMap<>();
    boolean oneByOne = false;
    long failing = -1;
    int handlerAttempts = 0;
    int targetAttempts = 0;
    while (true) {
      List<RecordedEvent> todo = new ArrayList<>(events.size());
      for (RecordedEvent e : events) {
        if (!parked.containsKey(e.position())) {
          todo.add(e);
        }
      }
      Attempt a = attempt(todo, oneByOne, List.copyOf(parked.values()), expectedOffset, next);
      switch (a) {
        case Done d -> {
          return d.outcome();
        }
        case TargetFailed t -> {
          if (++targetAttempts >= policy.maxAttempts()) {
            throw new ProjectionFailedException(projection.id(), "the read model target failed " + targetAttempts
                + " times on partition " + next.partition() + " of " + source + ": " + t.error().getMessage(), t.error());
          }
          Thread.sleep(backoff(targetAttempts + 1).toMillis());
        }
        case HandlerFailed h when h.event().isEmpty() -> oneByOne = true; // find the failing event
        case HandlerFailed h -> {
          RecordedEvent e = h.event().get();
          handlerAttempts = e.position() == failing ? handlerAttempts + 1 : 1;
          failing = e.position();
          if (handlerAttempts < policy.maxAttempts()) {
            Thread.sleep(backoff(handlerAttempts + 1).toMillis());
          } else if (policy.whenExhausted() == FailurePolicy.Exhausted.PARK) {
            parked.put(e.position(), new ParkedEvent(e.position(), e.stream(), e.type(), String.valueOf(h.error()),
                handlerAttempts, clock.instant()));
          } else {
            throw new ProjectionFailedException(projection.id(), "the event at position " + e.position() + " (stream "
                + e.stream() + ", type " + e.type() + ") failed " + handlerAttempts + " times: " + h.error(), h.error());
          }
        }
      }
    }
  }

  private Attempt attempt(List<RecordedEvent> todo, boolean oneByOne, List<ParkedEvent> parked, long expectedOffset,
      SourceOffset next) {
    ProjectionTarget.UnitOfWork<S> uow;
    try {
      uow = target.begin(projection.id(), next.partition());
    } catch (RuntimeException e) {
      return new TargetFailed(e);
    }
    try (uow) {
      S session = uow.session();
      if (oneByOne) {
        for (RecordedEvent e : todo) {
          try {
            projection.apply(session, e);
            uow.flush();
          } catch (Exception ex) {
            return new HandlerFailed(Optional.of(e), ex);
          }
        }
      } else if (!todo.isEmpty()) {
        try {
          projection.applyAll(session, todo);
          uow.flush();
        } catch (Exception ex) {
          return todo.size() == 1 ? new HandlerFailed(Optional.of(todo.getFirst()), ex)
              : new HandlerFailed(Optional.empty(), ex);
        }
      }
      try {
        parked.forEach(uow::park);
        uow.commitSource(source, expectedOffset, next);
        return new Done(new Committed(next, parked.size()));
      } catch (SourceFencedException f) {
        return new Done(new Fenced(f.getMessage()));
      } catch (RuntimeException e) {
        return new TargetFailed(e);
      }
    }
  }

  private Duration backoff(int attempt) {
    long ms = policy.initialBackoff().toMillis() << Math.min(20, Math.max(0, attempt - 2));
    return Duration.ofMillis(Math.min(ms, policy.maxBackoff().toMillis()));
  }
}
