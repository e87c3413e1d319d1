package dev.annals.server.projections;

import dev.annals.core.ExclusiveRole;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionState;
import dev.annals.cqrs.projection.ProjectionStatus;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RebuildProgress;
import dev.annals.module.HostedProjection;
import dev.annals.server.projections.ProjectionSnapshot.RebuildStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One hosted projection in its {@link ProjectionSupervisor}: changes are made holding this object's lock, and
 * publish an immutable {@link State}; {@code state} is read without the lock. Its role is present while this
 * server runs the projection ({@link ReadModelTargets#tryLead}).
 */
final class ProjectionSlot {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProjectionSlot.class);

  final HostedProjection hosted;
  volatile State state;
  volatile Optional<ExclusiveRole> role = Optional.empty();

  ProjectionSlot(HostedProjection hosted) {
    this.hosted = hosted;
    this.state = new State(ProjectionPhase.STOPPED, hosted.current(), hosted.next(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** A rebuild under way and its comparison with the live version, once done. Thread-safe. */
  static final class Building {
    final Rebuild<JdbcSession> rebuild;
    /** Empty until a comparison is done; a promotion's comparison replaces a background one. */
    final AtomicReference<Optional<Comparison>> comparison = new AtomicReference<>(Optional.empty());
    /** Set when the rebuild is promoted, abandoned or closed: its comparison task stops looking. */
    volatile boolean over;

    Building(Rebuild<JdbcSession> rebuild) {
      this.rebuild = rebuild;
    }
  }

  /** What one projection is, as of its last change. Immutable; readers see one whole state or the next. */
  record State(ProjectionPhase phase, Projection<JdbcSession> live, Optional<Projection<JdbcSession>> next,
      Optional<AsyncProjectionRunner<JdbcSession>> runner, Optional<Building> building,
      Optional<ProjectionSnapshot.Rebuild> finished) {

    State {
      if ((phase == ProjectionPhase.STOPPED) != runner.isEmpty()) {
        throw new IllegalStateException("a " + phase + " projection " + (runner.isEmpty() ? "without" : "with")
            + " a runner");
      }
      boolean rebuilding = phase == ProjectionPhase.REBUILDING || phase == ProjectionPhase.PROMOTING;
      if (rebuilding != building.isPresent()) {
        throw new IllegalStateException("a " + phase + " projection " + (building.isEmpty() ? "without" : "with")
            + " a rebuild");
      }
    }

    /** What this state shows: the runners' counters read, no lock taken, nothing started. */
    ProjectionSnapshot snapshot(java.util.function.LongSupplier head, String node) {
      Optional<Integer> nextVersion = next.map(Projection::version);
      if (runner.isEmpty()) {
        return new ProjectionSnapshot(live.name(), live.version(), nextVersion, ProjectionState.STOPPED, 0,
            head.getAsLong(), 0, 0, 0, Optional.empty(), finished, Optional.empty());
      }
      ProjectionStatus st = runner.get().status();
      Optional<ProjectionSnapshot.Rebuild> rebuild = building
          .map(b -> rebuildSnapshot(b, phase == ProjectionPhase.PROMOTING)).or(() -> finished);
      return new ProjectionSnapshot(live.name(), live.version(), nextVersion, st.state(), st.position(), st.head(),
          st.lagEvents(), st.lagSeconds().toNanos() / 1e9, st.parked(), st.lastError(), rebuild, Optional.of(node));
    }

    /** This state in phase {@code to}, checked against the allowed moves. */
    State move(ProjectionPhase to, Optional<AsyncProjectionRunner<JdbcSession>> runner, Optional<Building> building) {
      return new State(phase.to(to), live, next, runner, building, finished);
    }
  }

  /** Why a rebuild's runner stopped, if it did. */
  static Optional<String> rebuildFailure(Rebuild<JdbcSession> r) {
    ProjectionStatus st = r.status();
    if (st.state() == ProjectionState.FAILED || st.state() == ProjectionState.STOPPED) {
      return Optional.of(st.lastError().orElse(st.state().name().toLowerCase(Locale.ROOT)));
    }
    return Optional.empty();
  }


  private static ProjectionSnapshot.Rebuild rebuildSnapshot(Building b, boolean promoting) {
    Rebuild<JdbcSession> r = b.rebuild;
    RebuildProgress p = r.progress();
    Optional<String> failure = rebuildFailure(r);
    boolean caughtUp = failure.isEmpty() && p.caughtUp();
    RebuildStatus status = promoting ? RebuildStatus.PROMOTING : failure.isPresent() ? RebuildStatus.FAILED
        : caughtUp ? RebuildStatus.READY : RebuildStatus.REBUILDING;
    Optional<Duration> eta = caughtUp ? Optional.of(Duration.ZERO) : p.eta();
    return new ProjectionSnapshot.Rebuild(r.id().version(), status, p.done(), p.toGo(), p.eventsPerSecond(), eta,
        caughtUp, b.comparison.get());
  }

  /** Stops the runner and rebuild, if any (what they committed stays); the caller holds this slot's lock. */
  void stop() {
    State st = state;
    if (st.phase() == ProjectionPhase.STOPPED) {
      return;
    }
    try { // one projection failing to stop must not keep the others running
      st.building().ifPresent(b -> {
        b.over = true;
        b.rebuild.close();
      });
      st.runner().ifPresent(AsyncProjectionRunner::close);
    } catch (RuntimeException e) {
      LOG.warn("{} did not stop cleanly: {}", hosted.current().name(), e.toString());
    } finally {
      state = st.move(ProjectionPhase.STOPPED, Optional.empty(), Optional.empty());
    }
  }

  /** A comparison in words, for logs. */
  static String describe(Comparison c) {
    return c.tables().stream().map(t -> t.table() + ": " + t.liveRows() + " rows live, " + t.shadowRows() + " rebuilt"
        + (t.identical() ? ", identical" : ", different")).reduce((a, b) -> a + "; " + b).orElse("no tables");
  }
}
