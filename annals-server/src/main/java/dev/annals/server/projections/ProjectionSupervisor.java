package dev.annals.server.projections;

import dev.annals.core.EventStore;
import dev.annals.core.ExclusiveRole;
import dev.annals.cqrs.projection.Checkpoint;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionId;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RebuildProgress;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.HostedProjection;
import dev.annals.module.ServerModule;
import dev.annals.server.http.WireJson;
import dev.annals.server.projections.ProjectionSnapshot.RebuildStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the modules' projections (docs/projections.md): one asynchronous runner per live projection on the
 * targets {@link ReadModelTargets} gives, blue/green rebuilds to a module's next version, their
 * comparison with the live version and atomic promotion. Each projection moves through the phases of
 * {@link ProjectionPhase}, checked at every change.
 *
 * <p>When a rebuild starts, the supervisor hands a background task to its executor that waits for the
 * rebuild to catch up and then compares it with the live version (reading both versions' tables takes
 * time on a large read model); a promotion compares again and keeps the comparison it promoted over.
 * Reading a status never starts anything: {@link #status} returns the latest published
 * {@link ProjectionSnapshot}.
 *
 * <p>Among several servers sharing the read models ({@link ReadModelTargets#sharedByServers()}), a projection is
 * run only by the server that leads it ({@link ReadModelTargets#tryLead}, kept by {@link ProjectionLeadership});
 * the others show the status the runner publishes and pass rebuild and promote on ({@link ProjectionRequests}).
 *
 * <p>Thread-safe. Changes to a projection (start, rebuild, promote, close) are serialised on that
 * projection's lock and publish an immutable {@code ProjectionSlot.State} when done; status reads take no lock, so they
 * never wait on a promotion (which may wait up to 30 s for the rebuild to catch up) or a comparison.
 * During a promotion a status read shows the state before it, with the rebuild {@code promoting}.
 */
public final class ProjectionSupervisor implements AutoCloseable, ProjectionRequests.Handler {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionSupervisor.class);
  /** Rows per table and side kept in a comparison's diff sample. */
  static final int DIFF_SAMPLE = 5;
  private static final Duration CAUGHT_UP_WAIT = Duration.ofSeconds(2);
  private static final Duration PROMOTE_WAIT = Duration.ofSeconds(30);
  /** How often the comparison task looks again whether its rebuild failed or went. */
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(200);

  /** No projection of that name, or no such query (404). */
  public static final class UnknownProjectionException extends RuntimeException {
    UnknownProjectionException(String message) {
      super(message);
    }
  }

  /** A rebuild or promotion that cannot happen now, with the reason (400). */
  public static final class RefusedException extends RuntimeException {
    RefusedException(String message) {
      super(message);
    }
  }

  /** No server runs the projection now (503): its node died and none has taken over yet, or none answered. */
  public static final class NotRunningException extends RuntimeException {
    NotRunningException(String message) {
      super(message);
    }
  }

  /** Compares a rebuild with the live version (a seam for tests that need a slow comparison). */
  @FunctionalInterface
  interface Comparer {
    Comparison compare(Rebuild<JdbcSession> rebuild, Projection<JdbcSession> live);
  }

  private final EventStore store;
  private final ReadModelTargets targets;
  private final RunnerOptions options;
  private final Comparer comparer;
  private final Executor background;
  private final Consumer<ProjectionId> promoted;
  private final Map<String, ProjectionSlot> slots = new LinkedHashMap<>();
  private volatile boolean started;
  private volatile String node = "this server";
  private volatile Optional<SharedProjectionState> shared = Optional.empty();
  private Optional<Thread> leadership = Optional.empty();
  private volatile Optional<ProjectionRequests> requests = Optional.empty();

  /**
   * @param background runs each rebuild's wait-then-compare task
   * @param promoted told the version that became live after each promotion
   */
  ProjectionSupervisor(EventStore store, List<ServerModule> modules, ReadModelTargets targets, RunnerOptions options,
      Comparer comparer, Executor background, Consumer<ProjectionId> promoted) {
    this.store = store;
    this.targets = targets;
    this.options = options;
    this.comparer = comparer;
    this.background = background;
    this.promoted = promoted;
    for (ServerModule m : modules) {
      for (HostedProjection p : m.projections()) {
        if (slots.putIfAbsent(p.name(), new ProjectionSlot(p)) != null) {
          throw new IllegalArgumentException("two modules host a projection named " + p.name());
        }
      }
    }
  }

  /** The hosted projections' names, in module order. */
  public List<String> names() {
    return List.copyOf(slots.keySet());
  }

  /** The projection of that name as its module declares it (its queries included). */
  HostedProjection hosted(String name) {
    return slot(name).hosted;
  }

  /** The version of {@code name} that is live now. */
  Projection<JdbcSession> live(String name) {
    ProjectionSlot s = slot(name);
    if (s.role.isPresent() || !started) {
      return s.state.live();
    }
    // Another server runs it and may have promoted since: the stored live version says which is live.
    HostedProjection h = s.hosted;
    Optional<Integer> stored = targets.target(name).liveVersion(name);
    return stored.flatMap(v -> h.next().filter(n -> n.version() == v)).orElse(h.current());
  }

  /**
   * Starts leading every projection this server can lead (all of them, unless other servers share the read
   * models): one runner each on open targets, resuming from the stored checkpoints; a version promoted before
   * a restart stays live; a rebuild that was under way (started, neither promoted nor abandoned) resumes from
   * its own checkpoints. Then a leadership loop takes over every projection another server stops running
   * ({@link ProjectionLeadership}).
   *
   * @param nodeName this server's name, as status and the shared tables show it
   */
  synchronized void start(String nodeName) {
    started = true;
    node = nodeName;
    // one server's own database needs no shared status: it always runs every projection itself
    shared = targets.sharedByServers() ? Optional.of(new SharedProjectionState(targets.shared(), Clock.systemUTC()))
        : Optional.empty();
    requests = shared.map(sh -> new ProjectionRequests(sh, nodeName, background));
    for (ProjectionSlot s : slots.values()) {
      tryToLead(s);
    }
    leadership = Optional.of(ProjectionLeadership.start(this));
  }

  /** The slots, for the leadership loop. */
  List<String> slotNames() {
    return List.copyOf(slots.keySet());
  }

  /**
   * One round of the leadership loop for {@code name}: stands down when the role was lost, tries to lead when
   * not leading, and while leading publishes the status and serves other servers' requests.
   */
  void leadershipRound(String name) {
    ProjectionSlot s = slot(name);
    Optional<ExclusiveRole> r = s.role;
    if (r.isPresent() && !r.get().held()) {
      LOG.warn("this server lost the lead of projection {} (the database connection holding it went away);"
          + " stopping its runner", name);
      standDown(s);
    } else if (r.isEmpty()
        && !shared.map(sh -> sh.ledElsewhere(name, node, ProjectionLeadership.RECENT)).orElse(false)) {
      tryToLead(s);
    }
    if (s.role.isPresent() && started && shared.isPresent()) {
      shared.get().publish(node, snapshot(s));
      requests.ifPresent(q -> q.serve(name, this));
    }
  }

  /** Leads {@code s} if its role can be had now; a database that is away just means "not now". */
  private void tryToLead(ProjectionSlot s) {
    synchronized (s) {
      if (s.role.isPresent() || !started) {
        return;
      }
      Optional<ExclusiveRole> r;
      try {
        r = targets.tryLead(s.hosted.current().name());
      } catch (RuntimeException e) {
        LOG.debug("cannot ask for the lead of {} now: {}", s.hosted.current().name(), e.toString());
        return;
      }
      if (r.isEmpty()) {
        return;
      }
      s.role = r;
      try {
        lead(s);
      } catch (RuntimeException e) {
        LOG.warn("could not start projection {}: {}", s.hosted.current().name(), e.toString());
        standDown(s);
      }
    }
  }

  /** Starts the live version's runner (and a rebuild that was under way) as the version stored says. */
  private void lead(ProjectionSlot s) {
    HostedProjection h = s.hosted;
    String name = h.current().name();
    JdbcTarget t = targets.target(name);
    Optional<Integer> stored = t.liveVersion(name);
    ProjectionSlot.State st = new ProjectionSlot.State(ProjectionPhase.STOPPED, h.current(), h.next(), Optional.empty(), Optional.empty(),
        s.state.finished());
    if (stored.isPresent() && h.next().isPresent() && stored.get() == h.next().get().version()) {
      st = new ProjectionSlot.State(ProjectionPhase.STOPPED, h.next().get(), Optional.empty(), Optional.empty(), Optional.empty(),
          s.state.finished());
    } else if (stored.isPresent() && stored.get() != h.current().version()) {
      throw new IllegalStateException("projection " + name + " has version " + stored.get() + " live in "
          + targets.describe() + ", which its module does not define (it has " + h.current().version()
          + h.next().map(n -> " and " + n.version()).orElse("") + ")");
    }
    s.state = st.move(ProjectionPhase.RUNNING, Optional.of(AsyncProjectionRunner.start(store, st.live(), t, options)),
        Optional.empty());
    LOG.info("this server ({}) runs projection {} version {}", node, name, st.live().version());
    Optional<Projection<JdbcSession>> next = s.state.next();
    if (next.isPresent() && t.checkpoint(next.get().id()).isPresent()) {
      startRebuild(s);
      LOG.info("rebuild of {} to version {} resumed from its checkpoints", name, next.get().version());
    }
  }

  /** Stops running {@code s} here (what it committed stays) and gives its role up. */
  private void standDown(ProjectionSlot s) {
    synchronized (s) {
      s.stop();
      s.role.ifPresent(ExclusiveRole::close);
      s.role = Optional.empty();
    }
    try {
      shared.ifPresent(sh -> sh.withdraw(node, s.hosted.current().name()));
    } catch (RuntimeException e) {
      LOG.debug("could not withdraw the status of {}: {}", s.hosted.current().name(), e.toString());
    }
  }

  /** What the server running {@code s} answered to {@code action}, as this server's own call would have. */
  private ProjectionSnapshot forward(ProjectionSlot s, String action, String argument) throws InterruptedException {
    String name = s.hosted.current().name();
    return requests.orElseThrow(() -> new NotRunningException("projection " + name
        + " is not running on this server (it is stopping)")).forward(name, action, argument);
  }

  /** Every projection's snapshot, in module order. */
  public List<ProjectionSnapshot> list() {
    List<ProjectionSnapshot> out = new ArrayList<>();
    for (ProjectionSlot s : slots.values()) {
      out.add(snapshot(s));
    }
    return out;
  }

  /** One projection's latest snapshot; takes no lock, starts nothing. */
  public ProjectionSnapshot status(String name) {
    return snapshot(slot(name));
  }

  /**
   * Starts a blue/green rebuild to the module's next version: it builds in its own tables while the
   * live version keeps serving. A failed earlier attempt is abandoned first.
   *
   * @throws RefusedException one is already running, or there is no next version
   */
  @Override
  public ProjectionSnapshot rebuild(String name) throws InterruptedException {
    ProjectionSlot s = slot(name);
    requireStarted();
    if (s.role.isEmpty()) {
      return forward(s, "rebuild", "");
    }
    return startRebuild(s);
  }

  private ProjectionSnapshot startRebuild(ProjectionSlot s) {
    String name = s.hosted.current().name();
    synchronized (s) {
      ProjectionSlot.State st = s.state;
      if (st.building().isPresent()) {
        ProjectionSlot.Building running = st.building().get();
        if (ProjectionSlot.rebuildFailure(running.rebuild).isEmpty()) {
          throw new RefusedException("a rebuild of " + name + " to version " + running.rebuild.id().version()
              + " is already running");
        }
        running.over = true;
        running.rebuild.abandon();
        st = st.move(ProjectionPhase.RUNNING, st.runner(), Optional.empty());
        s.state = st;
      }
      if (st.next().isEmpty()) {
        throw new RefusedException(name + " has no next version to rebuild to (version " + st.live().version()
            + " is live and is the newest its module defines)");
      }
      ProjectionSlot.Building b = new ProjectionSlot.Building(Rebuild.start(store, targets.target(name), st.next().get(), options));
      s.state = new ProjectionSlot.State(st.phase().to(ProjectionPhase.REBUILDING), st.live(), st.next(), st.runner(),
          Optional.of(b), Optional.empty());
      LOG.info("rebuild of {} started: version {} builds beside live version {}", name, st.next().get().version(),
          st.live().version());
      compareWhenCaughtUp(st.live(), b);
      return snapshot(s);
    }
  }

  /**
   * Waits until the running rebuild of {@code name} has processed everything up to the head as it is now.
   *
   * @return false on timeout
   * @throws RefusedException no rebuild is running
   */
  public boolean awaitRebuildCaughtUp(String name, Duration timeout) throws InterruptedException {
    Rebuild<JdbcSession> r = slot(name).state.building()
        .orElseThrow(() -> new RefusedException("no rebuild of " + name + " is running")).rebuild;
    return r.awaitCaughtUp(timeout);
  }

  /**
   * Promotes the running rebuild once it has caught up: compares it with the live version (row counts
   * and a diff sample), flips the live version atomically, stops the old runner and drops the old
   * version. A new version usually differs from the old one (that is why it exists), so a difference
   * does not refuse the promotion unless {@code requireIdentical}; the snapshot returned carries the
   * comparison the promotion went over. Status reads meanwhile show the state before the promotion.
   *
   * @throws RefusedException no rebuild is running, it failed, it has not caught up, or
   *     {@code requireIdentical} and the versions differ
   */
  @Override
  public ProjectionSnapshot promote(String name, boolean requireIdentical) throws InterruptedException {
    ProjectionSlot s = slot(name);
    if (started && s.role.isEmpty()) {
      return forward(s, "promote", Boolean.toString(requireIdentical));
    }
    synchronized (s) {
      ProjectionSlot.State st = s.state;
      ProjectionSlot.Building b = st.building().orElseThrow(() -> new RefusedException("no rebuild of " + name
          + " is running; start one with POST /projections/" + name + "/rebuild"));
      Rebuild<JdbcSession> r = b.rebuild;
      Optional<String> failure = ProjectionSlot.rebuildFailure(r);
      if (failure.isPresent()) {
        throw new RefusedException("the rebuild of " + name + " to version " + r.id().version() + " failed ("
            + failure.get() + "); start it again");
      }
      if (!r.awaitCaughtUp(CAUGHT_UP_WAIT)) {
        throw new RefusedException("the rebuild of " + name + " to version " + r.id().version()
            + " has not caught up yet: " + r.progress().toGo() + " events to go");
      }
      Projection<JdbcSession> next = st.next().orElseThrow();
      RebuildProgress p = r.progress();
      AsyncProjectionRunner<JdbcSession> runner;
      Comparison comparison;
      s.state = st.move(ProjectionPhase.PROMOTING, st.runner(), st.building()); // readers see "promoting"
      boolean done = false;
      try {
        comparison = comparer.compare(r, st.live());
        b.comparison.set(Optional.of(comparison));
        if (requireIdentical && !comparison.identical()) {
          throw new RefusedException("version " + next.version() + " of " + name + " differs from live version "
              + st.live().version() + " (" + ProjectionSlot.describe(comparison) + ") and requireIdentical is set");
        }
        runner = r.promote(st.runner().orElseThrow(), st.live(), PROMOTE_WAIT);
        done = true;
      } catch (IllegalStateException e) {
        throw new RefusedException(e.getMessage());
      } finally {
        // whatever stopped the promotion (a refusal, an interrupt, an Error from a module's code), the
        // rebuild is back to being a rebuild that can be promoted again, abandoned or closed
        if (!done) {
          s.state = s.state.move(ProjectionPhase.REBUILDING, st.runner(), st.building());
        }
      }
      b.over = true;
      LOG.info("{} version {} promoted over version {} ({})", name, next.version(), st.live().version(),
          ProjectionSlot.describe(comparison));
      s.state = new ProjectionSlot.State(s.state.phase().to(ProjectionPhase.RUNNING), next, Optional.empty(), Optional.of(runner),
          Optional.empty(), Optional.of(new ProjectionSnapshot.Rebuild(next.version(), RebuildStatus.PROMOTED, p.done(),
              0, p.eventsPerSecond(), Optional.of(Duration.ZERO), true, Optional.of(comparison))));
      promoted.accept(next.id());
      return snapshot(s);
    }
  }

  /** Read-your-writes: waits until the live version of {@code name} has processed {@code position}. */
  public boolean awaitPosition(String name, long position, Duration timeout) throws InterruptedException {
    ProjectionSlot s = slot(name);
    requireStarted();
    Optional<AsyncProjectionRunner<JdbcSession>> r = s.state.runner();
    if (s.role.isPresent() && r.isPresent()) {
      return r.get().awaitPosition(position, timeout);
    }
    // Run by another server: how far the live version got is in the shared database, as the stored gap-safe
    // checkpoint (moved with each commit, so it may trail the last one) or, fresher, as the runner's own
    // position in the status it publishes every round.
    long deadline = System.nanoTime() + timeout.toNanos();
    JdbcTarget t = targets.target(name);
    Optional<SharedProjectionState> sh = shared;
    while (true) {
      Projection<JdbcSession> live = live(name);
      long published = sh.flatMap(x -> x.status(name)).map(SharedProjectionState.Published::snapshot)
          .filter(p -> p.version() == live.version()).map(ProjectionSnapshot::position).orElse(0L);
      if (published >= position || t.checkpoint(live.id()).map(Checkpoint::position).orElse(0L) >= position) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /** @throws IllegalStateException not started, or stopped */
  void requireStarted() {
    if (!started) {
      throw new IllegalStateException("the projection host is not started");
    }
  }

  private ProjectionSlot slot(String name) {
    ProjectionSlot s = slots.get(name);
    if (s == null) {
      throw new UnknownProjectionException("no projection named '" + WireJson.abbreviate(name) + "'; hosted: "
          + slots.keySet());
    }
    return s;
  }

  /** Reads the published state and the runners' counters only; takes no lock and starts nothing. */
  private ProjectionSnapshot snapshot(ProjectionSlot s) {
    if (s.role.isEmpty() && started && shared.isPresent()) {
      try {
        Optional<SharedProjectionState.Published> p = shared.get().status(s.hosted.current().name());
        if (p.isPresent()) {
          return p.get().snapshot();
        }
      } catch (RuntimeException e) {
        LOG.debug("cannot read the shared status of {}: {}", s.hosted.current().name(), e.toString());
      }
    }
    return s.state.snapshot(store::headPosition, node);
  }

  /**
   * Once per rebuild, started with it: waits on the executor until the rebuild has caught up, then
   * compares it with the live version, so that a status read finds the comparison done without having
   * asked for it. A rebuild that fails, is promoted, abandoned or closed first is not compared.
   */
  private void compareWhenCaughtUp(Projection<JdbcSession> live, ProjectionSlot.Building b) {
    background.execute(() -> {
      try {
        while (!b.over && ProjectionSlot.rebuildFailure(b.rebuild).isEmpty()) {
          if (b.rebuild.awaitCaughtUp(CATCH_UP_POLL)) {
            Comparison c = comparer.compare(b.rebuild, live);
            b.comparison.compareAndSet(Optional.empty(), Optional.of(c));
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // The rebuild was abandoned, promoted or closed meanwhile; a promotion compares anyway.
        LOG.debug("comparison of {} with the live version failed", b.rebuild.id(), e);
      }
    });
  }

  /** Stops every runner and rebuild (what they committed stays) and gives every lead up. Idempotent. */
  @Override
  public void close() {
    Optional<Thread> loop;
    synchronized (this) {
      started = false;
      loop = leadership;
      leadership = Optional.empty();
    }
    loop.ifPresent(ProjectionLeadership::stop);
    for (ProjectionSlot s : slots.values()) {
      boolean led = s.role.isPresent();
      synchronized (s) {
        s.stop();
        s.role.ifPresent(ExclusiveRole::close);
        s.role = Optional.empty();
      }
      if (led) {
        try {
          shared.ifPresent(sh -> sh.withdraw(node, s.hosted.current().name()));
        } catch (RuntimeException e) {
          LOG.debug("could not withdraw the status of {}: {}", s.hosted.current().name(), e.toString());
        }
      }
    }
  }
}
