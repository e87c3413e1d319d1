package dev.annals.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.projection.AsOfBuild;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.FailurePolicy;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ParkedEvent;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionState;
import dev.annals.cqrs.projection.ProjectionStatus;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RebuildProgress;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.HostedProjection;
import dev.annals.module.ProjectionQuery;
import dev.annals.module.ServerModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the modules' projections next to the data (design §5, §6): one asynchronous runner per live
 * projection on one SQLite database ({@code projections.db} in the given directory, or in a temporary
 * directory deleted at {@link #close} when the server keeps no data), blue/green rebuilds to a module's
 * next version, comparison and atomic promotion, and the modules' query routes over the live versions.
 * The {@code /projections} routes call exactly these methods; so can an embedding program (the demo).
 *
 * <p>Thread-safe. Changes to a projection (start, rebuild, promote, close) are serialised on that
 * projection's lock and publish an immutable {@code State} when done; status reads ({@link #status},
 * {@link #list}, the {@code /metrics} gauges) take no lock: they read the latest published state, so
 * they never wait on a promotion (which may wait up to 30 s for the rebuild to catch up) or on a
 * comparison (computed once per rebuild on a background thread when it first catches up). During a
 * promotion a status read shows the state before it. Queries read through their own connections and
 * see the live version before or after a promotion, never a mix.
 */
public final class ProjectionHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionHost.class);
  /** Rows per table and side kept in a comparison's diff sample. */
  static final int DIFF_SAMPLE = 5;
  private static final Duration CAUGHT_UP_WAIT = Duration.ofSeconds(2);
  private static final Duration PROMOTE_WAIT = Duration.ofSeconds(30);
  /** As-of builds at once (each reads the log and writes a scratch database), and how long a query waits for one. */
  static final int AS_OF_BUILDS = 2;
  static final Duration AS_OF_WAIT = Duration.ofSeconds(10);
  /** The scratch directories of as-of builds, beside the projection database; leftovers go at start. */
  private static final String AS_OF_PREFIX = "as-of-";
  /** Finished as-of builds kept for more queries at the same moment ({@link AsOfCache}). */
  static final int AS_OF_KEPT = 4;

  /** A past moment a query is answered at: design §4's three questions, asked of a read model. */
  public sealed interface AsOf {
    /** After the events at positions 1..position. */
    record AtPosition(long position) implements AsOf {}

    /** As the system knew it at knownAt. */
    record KnownAt(Instant knownAt) implements AsOf {}

    /** What was true at validAt as known at knownAt ({@link Instant#MAX}: every event recorded so far). */
    record ValidAt(Instant validAt, Instant knownAt) implements AsOf {}
  }

  /**
   * A query's answer over a read model built as of a past moment.
   *
   * @param position the last position the build could include
   * @param applied events the build applied
   * @param parked positions of events the projection failed on, left out of the answer (never silently:
   *     the route names them)
   */
  public record AsOfAnswer(JsonNode body, long position, long applied, List<Long> parked) {}

  /** No as-of build slot freed within {@link #AS_OF_WAIT}, or the host stopped (503, retry later). */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message) {
      super(message);
    }
  }

  /**
   * One projection's status as {@code GET /projections} shows it.
   *
   * @param status {@code running}, {@code catching_up}, {@code rebuilding}, {@code stopped}, {@code failed}
   * @param nextVersion the version a rebuild would build; empty when the live version is the newest
   * @param lagSeconds the age of the oldest unprocessed event, in seconds (0 when caught up)
   * @param rebuild the current or last rebuild, if any
   */
  public record View(String name, int version, Optional<Integer> nextVersion, String status, boolean live,
      long position, long head, long lagEvents, double lagSeconds, int parked, Optional<String> lastError,
      Optional<RebuildView> rebuild) {}

  /**
   * A blue/green rebuild.
   *
   * @param status {@code rebuilding}, {@code ready} (caught up, may be promoted), {@code promoting}, {@code promoted},
   *     {@code failed}
   * @param comparison live against shadow, once the shadow has caught up (for a promoted rebuild: the
   *     comparison it was promoted over)
   */
  public record RebuildView(int version, String status, long eventsDone, long eventsToGo, double eventsPerSecond,
      Optional<Double> etaSeconds, boolean caughtUp, Optional<Comparison> comparison) {}

  /** No projection of that name (404). */
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

  /** Compares a rebuild with the live version (a seam for tests that need a slow comparison). */
  @FunctionalInterface
  interface Comparer {
    Comparison compare(Rebuild<JdbcSession> rebuild, Projection<JdbcSession> live);
  }

  /**
   * A rebuild under way and its comparison with the live version, set once it has caught up (by a
   * background thread, or by a promotion). Thread-safe.
   */
  private static final class Building {
    final Rebuild<JdbcSession> rebuild;
    final AtomicBoolean comparing = new AtomicBoolean();
    volatile Optional<Comparison> comparison = Optional.empty();
    /** Set while a promotion waits for the last events and flips, stops and drops (the old runner may show stopped). */
    volatile boolean promoting;

    Building(Rebuild<JdbcSession> rebuild) {
      this.rebuild = rebuild;
    }
  }

  /** What one projection is, as of its last change. Immutable; readers see one whole state or the next. */
  private record State(Projection<JdbcSession> live, Optional<Projection<JdbcSession>> next,
      Optional<AsyncProjectionRunner<JdbcSession>> runner, Optional<Building> building,
      Optional<RebuildView> finished) {

    State withRunner(Optional<AsyncProjectionRunner<JdbcSession>> r) {
      return new State(live, next, r, building, finished);
    }

    State withBuilding(Optional<Building> b) {
      return new State(live, next, runner, b, finished);
    }
  }

  /** One hosted projection: changes are made holding this object's lock; {@code state} is read without it. */
  private static final class Slot {
    final HostedProjection hosted;
    volatile State state;

    Slot(HostedProjection hosted) {
      this.hosted = hosted;
      this.state = new State(hosted.current(), hosted.next(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  private final EventStore store;
  private final Optional<Path> directory;
  private final RunnerOptions options;
  private final Comparer comparer;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private volatile Optional<JdbcTarget> target = Optional.empty();
  private Optional<Path> temporary = Optional.empty();
  /** The directory of the projection database while started; as-of builds make their scratch databases in it. */
  private volatile Optional<Path> databaseDir = Optional.empty();
  private final Semaphore asOfBuilds = new Semaphore(AS_OF_BUILDS);
  private final AsOfCache asOfCache = new AsOfCache(AS_OF_KEPT, ProjectionHost::deleteTree);
  /** Final moments being built now: a second query for one waits for its build instead of building it too. */
  private final Map<AsOfCache.Key, CompletableFuture<Void>> inProgress = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong asOfBuildsRun = new java.util.concurrent.atomic.AtomicLong();
  private final Duration asOfWait;
  private boolean started;

  /**
   * @param directory where the projection database lives; empty: a temporary directory
   */
  public ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options) {
    this(store, modules, directory, options, (rebuild, live) -> rebuild.compare(live, DIFF_SAMPLE));
  }

  ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options,
      Comparer comparer) {
    this(store, modules, directory, options, comparer, AS_OF_WAIT);
  }

  /** @param asOfWait how long an as-of query waits for a build slot (tests shorten it) */
  ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options,
      Comparer comparer, Duration asOfWait) {
    this.asOfWait = asOfWait;
    this.store = store;
    this.directory = directory;
    this.options = options;
    this.comparer = comparer;
    for (ServerModule m : modules) {
      for (HostedProjection p : m.projections()) {
        if (slots.putIfAbsent(p.name(), new Slot(p)) != null) {
          throw new IllegalArgumentException("two modules host a projection named " + p.name());
        }
      }
    }
  }

  /** The hosted projections' names, in module order. */
  public List<String> names() {
    return List.copyOf(slots.keySet());
  }

  /**
   * Opens the database and starts one runner per projection, resuming from the stored checkpoints. A
   * version promoted before a restart stays live; a rebuild that was under way (started, neither
   * promoted nor abandoned) resumes from its own checkpoints. Idempotent.
   */
  public synchronized void start() {
    if (started || slots.isEmpty()) {
      started = true;
      return;
    }
    started = true;
    Path dir = directory.orElseGet(() -> {
      try {
        Path t = Files.createTempDirectory("annals-projections-");
        temporary = Optional.of(t);
        return t;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    deleteAsOfLeftovers(dir);
    JdbcTarget t = JdbcTarget.sqlite(dir);
    target = Optional.of(t);
    databaseDir = Optional.of(dir);
    try {
      startRunners(t, dir);
      resumeRebuilds(t);
    } catch (RuntimeException e) {
      close(); // the runners started so far
      throw e;
    }
    LOG.info("projections {} running on {}", slots.keySet(), dir.resolve(JdbcTarget.SQLITE_FILE));
  }

  private void startRunners(JdbcTarget t, Path dir) {
    for (Slot s : slots.values()) {
      synchronized (s) {
        State st = s.state;
        Optional<Integer> stored = t.liveVersion(st.live().name());
        if (stored.isPresent() && st.next().isPresent() && stored.get() == st.next().get().version()) {
          st = new State(st.next().get(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        } else if (stored.isPresent() && stored.get() != st.live().version()) {
          throw new IllegalStateException("projection " + st.live().name() + " has version " + stored.get()
              + " live in " + dir + ", which its module does not define (it has " + st.live().version()
              + st.next().map(n -> " and " + n.version()).orElse("") + ")");
        }
        s.state = st.withRunner(Optional.of(AsyncProjectionRunner.start(store, st.live(), t, options)));
      }
    }
  }

  /** Restarts the rebuilds whose next version has stored checkpoints: they were under way when the host stopped. */
  private void resumeRebuilds(JdbcTarget t) {
    for (Map.Entry<String, Slot> e : slots.entrySet()) {
      Optional<Projection<JdbcSession>> next = e.getValue().state.next();
      if (next.isPresent() && t.checkpoint(next.get().id()).isPresent()) {
        rebuild(e.getKey());
        LOG.info("rebuild of {} to version {} resumed from its checkpoints", e.getKey(), next.get().version());
      }
    }
  }

  /** Every projection's status, in module order. */
  public List<View> list() {
    List<View> out = new ArrayList<>();
    for (String name : slots.keySet()) {
      out.add(status(name));
    }
    return out;
  }

  /** One projection's status; never waits on a promotion or a comparison. */
  public View status(String name) {
    return view(slot(name));
  }

  /**
   * Starts a blue/green rebuild to the module's next version: it builds in its own tables while the
   * live version keeps serving. A failed earlier attempt is abandoned first.
   *
   * @throws RefusedException one is already running, or there is no next version
   */
  public View rebuild(String name) {
    Slot s = slot(name);
    synchronized (s) {
      requireStarted();
      State st = s.state;
      if (st.building().isPresent()) {
        Rebuild<JdbcSession> running = st.building().get().rebuild;
        if (rebuildFailure(running).isEmpty()) {
          throw new RefusedException("a rebuild of " + name + " to version " + running.id().version()
              + " is already running");
        }
        running.abandon();
        st = st.withBuilding(Optional.empty());
        s.state = st;
      }
      if (st.next().isEmpty()) {
        throw new RefusedException(name + " has no next version to rebuild to (version " + st.live().version()
            + " is live and is the newest its module defines)");
      }
      Rebuild<JdbcSession> r = Rebuild.start(store, target.orElseThrow(), st.next().get(), options);
      s.state = new State(st.live(), st.next(), st.runner(), Optional.of(new Building(r)), Optional.empty());
      LOG.info("rebuild of {} started: version {} builds beside live version {}", name, st.next().get().version(),
          st.live().version());
      return view(s);
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
   * does not refuse the promotion unless {@code requireIdentical}; the view returned carries the
   * comparison the promotion went over. Status reads meanwhile show the state before the promotion.
   *
   * @throws RefusedException no rebuild is running, it failed, it has not caught up, or
   *     {@code requireIdentical} and the versions differ
   */
  public View promote(String name, boolean requireIdentical) throws InterruptedException {
    Slot s = slot(name);
    synchronized (s) {
      State st = s.state;
      Building b = st.building().orElseThrow(() -> new RefusedException("no rebuild of " + name
          + " is running; start one with POST /projections/" + name + "/rebuild"));
      Rebuild<JdbcSession> r = b.rebuild;
      Optional<String> failure = rebuildFailure(r);
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
      AsyncProjectionRunner<JdbcSession> promoted;
      Comparison comparison;
      b.promoting = true; // from the final comparison on, readers see "promoting"
      try {
        comparison = comparer.compare(r, st.live());
        b.comparison = Optional.of(comparison);
        if (requireIdentical && !comparison.identical()) {
          throw new RefusedException("version " + next.version() + " of " + name + " differs from live version "
              + st.live().version() + " (" + describe(comparison) + ") and requireIdentical is set");
        }
        promoted = r.promote(st.runner().orElseThrow(), st.live(), PROMOTE_WAIT);
      } catch (IllegalStateException e) {
        b.promoting = false;
        throw new RefusedException(e.getMessage());
      } catch (InterruptedException | RuntimeException e) {
        b.promoting = false;
        throw e;
      } // on success b stays promoting until the state below, without it, is published
      LOG.info("{} version {} promoted over version {} ({})", name, next.version(), st.live().version(),
          describe(comparison));
      s.state = new State(next, Optional.empty(), Optional.of(promoted), Optional.empty(),
          Optional.of(new RebuildView(next.version(), "promoted", p.done(), 0, p.eventsPerSecond(), Optional.of(0.0),
              true, Optional.of(comparison))));
      // the old version's builds serve no query now
      asOfCache.drop(k -> k.projection().name().equals(name) && k.projection().version() != next.version());
      return view(s);
    }
  }

  private static String describe(Comparison c) {
    return c.tables().stream().map(t -> t.table() + ": " + t.liveRows() + " rows live, " + t.shadowRows() + " rebuilt"
        + (t.identical() ? ", identical" : ", different")).reduce((a, b) -> a + "; " + b).orElse("no tables");
  }

  /**
   * Answers one of the projection's query routes over its live version.
   *
   * @throws UnknownProjectionException no such projection or query
   */
  public JsonNode query(String name, String query, Map<String, String> params) throws SQLException {
    Slot s = slot(name);
    ProjectionQuery q = Optional.ofNullable(s.hosted.queries().get(query)).orElseThrow(() ->
        new UnknownProjectionException("projection " + name + " has no query '" + query + "'; it has "
            + s.hosted.queries().keySet().stream().sorted().toList()));
    requireStarted();
    try (Connection c = target.orElseThrow().openReader()) {
      return q.query(c, params);
    }
  }

  /**
   * Answers one of the projection's query routes over its live version's code as of a past moment: the
   * version is built from the log into a scratch SQLite database ({@link AsOfBuild}) and the query reads
   * it. The build reads the log up to the moment (twice for valid-at), so its cost grows with the log;
   * at most {@link #AS_OF_BUILDS} run at once. When the answer can no longer change (see
   * {@link #finalMoment}) and no event was parked, the build is kept ({@link AsOfCache}, the last
   * {@link #AS_OF_KEPT} of the host) for more queries at the same moment (a second query at
   * a moment being built waits for that build): the next page costs a query, not a
   * build. Otherwise the database is deleted.
   *
   * @throws UnknownProjectionException no such projection or query
   * @throws UnavailableException no build slot freed within {@link #AS_OF_WAIT}
   */
  public AsOfAnswer queryAsOf(String name, String query, Map<String, String> params, AsOf asOf)
      throws SQLException, InterruptedException {
    Slot s = slot(name);
    ProjectionQuery q = Optional.ofNullable(s.hosted.queries().get(query)).orElseThrow(() ->
        new UnknownProjectionException("projection " + name + " has no query '" + query + "'; it has "
            + s.hosted.queries().keySet().stream().sorted().toList()));
    Projection<JdbcSession> projection = s.state.live();
    Optional<AsOf> moment = finalMoment(asOf);
    Optional<AsOfCache.Key> key = moment.map(m -> new AsOfCache.Key(projection.id(), m));
    CompletableFuture<Void> mine = null;
    if (key.isPresent()) {
      long deadline = System.nanoTime() + asOfWait.toNanos();
      while (true) {
        Optional<AsOfCache.Entry> kept = asOfCache.acquire(key.get());
        if (kept.isPresent()) {
          try {
            return answer(q, params, kept.get(), List.of());
          } finally {
            asOfCache.release(kept.get());
          }
        }
        CompletableFuture<Void> claim = new CompletableFuture<>();
        CompletableFuture<Void> other = inProgress.putIfAbsent(key.get(), claim);
        if (other == null) {
          mine = claim;
          break;
        }
        // the same moment is being built: wait for that build rather than take a slot to build it again
        try {
          other.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new UnavailableException("a build of the same moment did not end within " + asOfWait.toMillis()
              + " ms; retry later");
        } catch (java.util.concurrent.ExecutionException e) {
          // never: a claim is completed normally, whatever its build did; look again
        }
      }
    }
    try {
      return buildAndAnswer(projection, q, params, moment.orElse(asOf), key);
    } finally {
      if (mine != null) {
        inProgress.remove(key.get(), mine);
        mine.complete(null);
      }
    }
  }

  private AsOfAnswer buildAndAnswer(Projection<JdbcSession> projection, ProjectionQuery q, Map<String, String> params,
      AsOf asOf, Optional<AsOfCache.Key> key) throws SQLException, InterruptedException {
    if (!asOfBuilds.tryAcquire(asOfWait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new UnavailableException(AS_OF_BUILDS + " as-of builds are running and none ended within "
          + asOfWait.toMillis() + " ms; retry later");
    }
    Path scratch = null;
    JdbcTarget t = null;
    try {
      Optional<Path> dir = databaseDir; // close() takes every slot before it deletes anything
      if (dir.isEmpty()) {
        throw new UnavailableException("the projection host is stopped");
      }
      scratch = Files.createTempDirectory(dir.get(), AS_OF_PREFIX);
      t = JdbcTarget.sqlite(scratch);
      // one attempt: an event the projection fails on is parked at once and named in the answer
      // (retrying with back-off would hold a build slot for nothing; the live runner retries)
      AsOfBuild build = new AsOfBuild(store, options.withFailurePolicy(
          new FailurePolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), FailurePolicy.Exhausted.PARK)));
      AsOfBuild.Result r = switch (asOf) {
        case AsOf.AtPosition a -> build.buildAt(projection, t, a.position());
        case AsOf.KnownAt k -> build.build(projection, t, k.knownAt());
        case AsOf.ValidAt v -> build.buildValidAt(projection, t, v.validAt(), v.knownAt());
      };
      asOfBuildsRun.incrementAndGet();
      List<Long> parked = t.parked(projection.id()).stream().map(ParkedEvent::position).toList();
      t.close(); // its writer connection (and SQLite's log with it): queries open readers of their own
      AsOfCache.Entry built = new AsOfCache.Entry(key.orElse(null), scratch, t, r.position(), r.applied());
      // a build that parked an event is not kept: the failure may have been passing
      if (key.isPresent() && parked.isEmpty() && asOfCache.offer(built)) {
        scratch = null; // the cache owns it now
        t = null;
        try {
          return answer(q, params, built, parked);
        } finally {
          asOfCache.release(built);
        }
      }
      return answer(q, params, built, parked);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (t != null) {
        t.close();
      }
      if (scratch != null) {
        deleteTree(scratch);
      }
      asOfBuilds.release();
    }
  }

  private static AsOfAnswer answer(ProjectionQuery q, Map<String, String> params, AsOfCache.Entry build, List<Long> parked)
      throws SQLException {
    try (Connection c = build.target.openReader()) {
      return new AsOfAnswer(q.query(c, params), build.position, build.applied, parked);
    }
  }

  /**
   * The moment as kept builds know it, when its answer can no longer change (so its build may be kept);
   * empty when it may. Final: a position at or below the head; a knownAt before the recordedAt of an
   * event already in the log (every later event is recorded later still, imports included), and then a
   * known-at moment is the position it cuts the log at (the same build, shared by every instant that
   * cuts there). A knownAt at or after the last event's recordedAt is not final: events appended next
   * may be recorded within it (ties at the clock's resolution included).
   */
  private Optional<AsOf> finalMoment(AsOf asOf) {
    return switch (asOf) {
      case AsOf.AtPosition a -> a.position() <= store.headPosition() ? Optional.of(a) : Optional.empty();
      case AsOf.KnownAt k -> cut(k.knownAt()).map(AsOf.AtPosition::new);
      case AsOf.ValidAt v -> cut(v.knownAt()).map(c -> v);
    };
  }

  /** The last position recorded by {@code t}, when the log already holds an event recorded after it. */
  private Optional<Long> cut(Instant t) {
    if (!t.isBefore(Instant.MAX)) {
      return Optional.empty();
    }
    long next = store.positionAt(t.plusNanos(1)); // the first event recorded after t, or head + 1
    return next <= store.headPosition() ? Optional.of(next - 1) : Optional.empty();
  }

  /** As-of builds run so far (not answered from {@link AsOfCache}); for tests. */
  long asOfBuildsRun() {
    return asOfBuildsRun.get();
  }

  /** Where the projection database is, while started. */
  Optional<Path> databaseDir() {
    return databaseDir;
  }

  /** The store's head position (what an as-of position may reach). */
  public long headPosition() {
    return store.headPosition();
  }

  /** Read-your-writes: waits until the live version of {@code name} has processed {@code position}. */
  public boolean awaitPosition(String name, long position, Duration timeout) throws InterruptedException {
    AsyncProjectionRunner<JdbcSession> r;
    Slot s = slot(name);
    requireStarted();
    r = s.state.runner().orElseThrow(() -> new IllegalStateException("the projection host is stopped"));
    return r.awaitPosition(position, timeout);
  }

  private void requireStarted() {
    if (target.isEmpty()) {
      throw new IllegalStateException("the projection host is not started");
    }
  }

  private Slot slot(String name) {
    Slot s = slots.get(name);
    if (s == null) {
      throw new UnknownProjectionException("no projection named '" + WireJson.abbreviate(name) + "'; hosted: "
          + slots.keySet());
    }
    return s;
  }

  private static Optional<String> rebuildFailure(Rebuild<JdbcSession> r) {
    ProjectionStatus st = r.status();
    if (st.state() == ProjectionState.FAILED || st.state() == ProjectionState.STOPPED) {
      return Optional.of(st.lastError().orElse(st.state().name().toLowerCase(Locale.ROOT)));
    }
    return Optional.empty();
  }

  /** Reads the published state only; takes no lock. */
  private View view(Slot s) {
    State state = s.state;
    Projection<JdbcSession> live = state.live();
    Optional<Integer> next = state.next().map(Projection::version);
    if (state.runner().isEmpty()) {
      return new View(live.name(), live.version(), next, "stopped", true, 0, store.headPosition(), 0, 0, 0,
          Optional.empty(), state.finished());
    }
    ProjectionStatus st = state.runner().get().status();
    Optional<RebuildView> rebuild = state.building().map(b -> rebuildView(state, b)).or(state::finished);
    return new View(live.name(), live.version(), next, st.state().name().toLowerCase(Locale.ROOT), true,
        st.position(), st.head(), st.lagEvents(), st.lagSeconds().toNanos() / 1e9, st.parked(), st.lastError(),
        rebuild);
  }

  private RebuildView rebuildView(State state, Building b) {
    Rebuild<JdbcSession> r = b.rebuild;
    RebuildProgress p = r.progress();
    Optional<String> failure = rebuildFailure(r);
    boolean caughtUp = failure.isEmpty() && p.caughtUp();
    if (caughtUp && b.comparing.compareAndSet(false, true)) {
      compareInBackground(state.live(), b);
    }
    String status = b.promoting ? "promoting" : failure.isPresent() ? "failed" : caughtUp ? "ready" : "rebuilding";
    Optional<Double> eta = caughtUp ? Optional.of(0.0) : p.eta().map(d -> d.toMillis() / 1000.0);
    return new RebuildView(r.id().version(), status, p.done(), p.toGo(), p.eventsPerSecond(), eta, caughtUp,
        b.comparison);
  }

  /**
   * Once per rebuild, when a status read first sees it caught up: the comparison reads both versions'
   * tables, which takes time on a large read model, so no reader waits for it; it shows once done. A
   * promotion compares again and shows the comparison it promoted over.
   */
  private void compareInBackground(Projection<JdbcSession> live, Building b) {
    Thread.ofVirtual().name("annals-compare-" + b.rebuild.id()).start(() -> {
      try {
        Comparison c = comparer.compare(b.rebuild, live);
        if (b.comparison.isEmpty()) {
          b.comparison = Optional.of(c);
        }
      } catch (RuntimeException e) {
        // The rebuild was abandoned, promoted or closed meanwhile; the next promotion compares anyway.
        LOG.debug("comparison of {} with the live version failed", b.rebuild.id(), e);
      }
    });
  }

  /** Stops every runner and rebuild (what they committed stays) and closes the database. Idempotent. */
  @Override
  public synchronized void close() {
    // as-of builds write in scratch directories beside the database: let them finish first
    boolean drained = false;
    try {
      drained = asOfBuilds.tryAcquire(AS_OF_BUILDS, asOfWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      LOG.warn("as-of builds still running after {} ms; closing the projection database under them", asOfWait.toMillis());
    }
    databaseDir = Optional.empty(); // a build that gets a slot from now on answers 503
    asOfCache.close(); // kept builds go (each once its last query ends)
    for (Slot s : slots.values()) {
      synchronized (s) {
        State st = s.state;
        st.building().ifPresent(b -> b.rebuild.close());
        st.runner().ifPresent(AsyncProjectionRunner::close);
        s.state = st.withBuilding(Optional.empty()).withRunner(Optional.empty());
      }
    }
    target.ifPresent(JdbcTarget::close);
    target = Optional.empty();
    temporary.ifPresent(ProjectionHost::deleteTree);
    temporary = Optional.empty();
    if (drained) {
      asOfBuilds.release(AS_OF_BUILDS); // queries waiting for a slot now find the host stopped
    }
  }

  /** Scratch directories an as-of build left behind (the server was killed during one). */
  private static void deleteAsOfLeftovers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(AS_OF_PREFIX)).toList()) {
        LOG.info("deleting {}, left by an as-of build that did not finish", p);
        deleteTree(p);
      }
    } catch (IOException e) {
      LOG.warn("could not list {} for as-of leftovers: {}", dir, e.toString());
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the temporary projection directory {}: {}", dir, e.toString());
    }
  }
}
