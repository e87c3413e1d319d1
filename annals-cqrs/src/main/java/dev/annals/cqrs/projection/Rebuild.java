package dev.annals.cqrs.projection;

import dev.annals.core.EventStore;
import java.time.Duration;
import java.util.Optional;

/**
 * A blue/green rebuild: a new version of a projection builds into its own tables (the shadow) from
 * position 1, partitioned by stream in parallel, while the live version keeps serving queries and
 * following appends. When the shadow has caught up it can be {@link #compare compared} with the live
 * one, then {@link #promote promoted}: the live pointer flips in one transaction (queries switch
 * atomically), the old version's runner stops and its tables are dropped. Each version keeps its own
 * checkpoints, so no event is missed or applied twice at the switch. Thread-safe.
 */
public final class Rebuild<S> implements AutoCloseable {

  private final EventStore store;
  private final ProjectionTarget<S> target;
  private final Projection<S> shadow;
  private final AsyncProjectionRunner<S> runner;

  private Rebuild(EventStore store, ProjectionTarget<S> target, Projection<S> shadow, AsyncProjectionRunner<S> runner) {
    this.store = store;
    this.target = target;
    this.shadow = shadow;
    this.runner = runner;
  }

  /**
   * Starts building {@code next} (a version that is not live) beside the live one; resumes from its
   * checkpoint if a build of that version was interrupted.
   */
  public static <S> Rebuild<S> start(EventStore store, ProjectionTarget<S> target, Projection<S> next,
      RunnerOptions options) {
    Optional<Integer> live = target.liveVersion(next.name());
    if (live.isPresent() && live.get() == next.version()) {
      throw new IllegalStateException(next.id() + " is already live; give the new version another number");
    }
    return new Rebuild<>(store, target, next, AsyncProjectionRunner.startShadow(store, next, target, options));
  }

  public ProjectionId id() {
    return shadow.id();
  }

  /** Events done, positions to go, rate and ETA. */
  public RebuildProgress progress() {
    ProjectionStatus s = runner.status();
    return s.progress().orElseGet(() -> new RebuildProgress(s.applied(), s.lagEvents(), 0, Optional.empty(),
        s.lagEvents() == 0));
  }

  public ProjectionStatus status() {
    return runner.status();
  }

  /** Waits until the shadow has processed everything up to the head as it is now. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return runner.awaitPosition(store.headPosition(), timeout);
  }

  /** Live against shadow: row counts and up to {@code sampleSize} differing rows per table and side. */
  public Comparison compare(Projection<S> live, int sampleSize) {
    return target.compare(live, shadow, sampleSize);
  }

  /**
   * Promotes the shadow: waits (up to {@code timeout}) until it has processed everything up to the head
   * as of this call, flips the live version atomically, stops {@code current} (the old version's
   * runner) and drops the old version.
   *
   * @return the shadow's runner, now the live one
   * @throws IllegalStateException the shadow did not catch up in time (nothing changed)
   */
  public AsyncProjectionRunner<S> promote(ProjectionRunner current, Projection<S> currentProjection, Duration timeout)
      throws InterruptedException {
    long head = store.headPosition();
    if (!runner.awaitPosition(head, timeout)) {
      throw new IllegalStateException(shadow.id() + " has not caught up to position " + head + " within " + timeout
          + "; still live: " + currentProjection.id());
    }
    target.promote(shadow);
    runner.promoted();
    current.close();
    target.drop(currentProjection);
    return runner;
  }

  /** Abandons the rebuild: stops the shadow and drops its tables (the live version is untouched). */
  public void abandon() {
    runner.close();
    if (target.liveVersion(shadow.name()).orElse(-1) != shadow.version()) {
      target.drop(shadow);
    }
  }

  /** Stops the shadow's runner (what it built stays; starting the rebuild again resumes). */
  @Override
  public void close() {
    runner.close();
  }
}
