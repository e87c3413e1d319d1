package dev.annals.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionState;
import dev.annals.cqrs.projection.ProjectionStatus;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RebuildProgress;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.server.spi.HostedProjection;
import dev.annals.server.spi.ProjectionQuery;
import dev.annals.server.spi.ServerModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * <p>Thread-safe: each projection's runner and rebuild change under that projection's lock; queries
 * read through their own connections and see the live version before or after a promotion, never a mix.
 */
public final class ProjectionHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionHost.class);
  /** Rows per table and side kept in a comparison's diff sample. */
  static final int DIFF_SAMPLE = 5;
  private static final Duration CAUGHT_UP_WAIT = Duration.ofSeconds(2);
  private static final Duration PROMOTE_WAIT = Duration.ofSeconds(30);

  /**
   * One projection's status as {@code GET /projections} shows it.
   *
   * @param status {@code running}, {@code catching_up}, {@code rebuilding}, {@code stopped}, {@code failed}
   * @param lagSeconds the age of the oldest unprocessed event, in seconds (0 when caught up)
   * @param rebuild the current or last rebuild, if any
   */
  public record View(String name, int version, String status, boolean live, long position, long head, long lagEvents,
      double lagSeconds, int parked, Optional<String> lastError, Optional<RebuildView> rebuild) {}

  /**
   * A blue/green rebuild.
   *
   * @param status {@code rebuilding}, {@code ready} (caught up, may be promoted), {@code promoted}, {@code failed}
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

  /** One hosted projection: its live definition and runner, and the rebuild under way (guarded by this). */
  private final class Slot {
    final HostedProjection hosted;
    Projection<JdbcSession> live;
    Optional<Projection<JdbcSession>> next;
    Optional<AsyncProjectionRunner<JdbcSession>> runner = Optional.empty();
    Optional<Rebuild<JdbcSession>> rebuild = Optional.empty();
    Optional<Comparison> comparison = Optional.empty();
    Optional<RebuildView> finished = Optional.empty();

    Slot(HostedProjection hosted) {
      this.hosted = hosted;
      this.live = hosted.current();
      this.next = hosted.next();
    }
  }

  private final EventStore store;
  private final Optional<Path> directory;
  private final RunnerOptions options;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private volatile Optional<JdbcTarget> target = Optional.empty();
  private Optional<Path> temporary = Optional.empty();
  private boolean started;

  /**
   * @param directory where the projection database lives; empty: a temporary directory
   */
  public ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options) {
    this.store = store;
    this.directory = directory;
    this.options = options;
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
   * version promoted before a restart stays live. Idempotent.
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
    JdbcTarget t = JdbcTarget.sqlite(dir);
    target = Optional.of(t);
    try {
      startRunners(t, dir);
    } catch (RuntimeException e) {
      close(); // the runners started so far
      throw e;
    }
    LOG.info("projections {} running on {}", slots.keySet(), dir.resolve(JdbcTarget.SQLITE_FILE));
  }

  private void startRunners(JdbcTarget t, Path dir) {
    for (Slot s : slots.values()) {
      synchronized (s) {
        Optional<Integer> stored = t.liveVersion(s.live.name());
        if (stored.isPresent() && s.next.isPresent() && stored.get() == s.next.get().version()) {
          s.live = s.next.get();
          s.next = Optional.empty();
        } else if (stored.isPresent() && stored.get() != s.live.version()) {
          throw new IllegalStateException("projection " + s.live.name() + " has version " + stored.get() + " live in "
              + dir + ", which its module does not define (it has " + s.live.version()
              + s.next.map(n -> " and " + n.version()).orElse("") + ")");
        }
        s.runner = Optional.of(AsyncProjectionRunner.start(store, s.live, t, options));
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

  /** One projection's status. */
  public View status(String name) {
    Slot s = slot(name);
    synchronized (s) {
      return view(s);
    }
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
      if (s.rebuild.isPresent()) {
        if (rebuildFailure(s.rebuild.get()).isEmpty()) {
          throw new RefusedException("a rebuild of " + name + " to version " + s.rebuild.get().id().version()
              + " is already running");
        }
        s.rebuild.get().abandon();
        s.rebuild = Optional.empty();
      }
      if (s.next.isEmpty()) {
        throw new RefusedException(name + " has no next version to rebuild to (version " + s.live.version()
            + " is live and is the newest its module defines)");
      }
      s.rebuild = Optional.of(Rebuild.start(store, target.orElseThrow(), s.next.get(), options));
      s.comparison = Optional.empty();
      s.finished = Optional.empty();
      LOG.info("rebuild of {} started: version {} builds beside live version {}", name, s.next.get().version(),
          s.live.version());
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
    Rebuild<JdbcSession> r;
    Slot s = slot(name);
    synchronized (s) {
      r = s.rebuild.orElseThrow(() -> new RefusedException("no rebuild of " + name + " is running"));
    }
    return r.awaitCaughtUp(timeout);
  }

  /**
   * Promotes the running rebuild once it has caught up: compares it with the live version (row counts
   * and a diff sample), flips the live version atomically, stops the old runner and drops the old
   * version. A new version usually differs from the old one (that is why it exists), so a difference
   * does not refuse the promotion unless {@code requireIdentical}; the view returned carries the
   * comparison the promotion went over.
   *
   * @throws RefusedException no rebuild is running, it failed, it has not caught up, or
   *     {@code requireIdentical} and the versions differ
   */
  public View promote(String name, boolean requireIdentical) throws InterruptedException {
    Slot s = slot(name);
    synchronized (s) {
      Rebuild<JdbcSession> r = s.rebuild.orElseThrow(() -> new RefusedException("no rebuild of " + name
          + " is running; start one with POST /projections/" + name + "/rebuild"));
      Optional<String> failure = rebuildFailure(r);
      if (failure.isPresent()) {
        throw new RefusedException("the rebuild of " + name + " to version " + r.id().version() + " failed ("
            + failure.get() + "); start it again");
      }
      if (!r.awaitCaughtUp(CAUGHT_UP_WAIT)) {
        throw new RefusedException("the rebuild of " + name + " to version " + r.id().version()
            + " has not caught up yet: " + r.progress().toGo() + " events to go");
      }
      Projection<JdbcSession> next = s.next.orElseThrow();
      Comparison comparison = r.compare(s.live, DIFF_SAMPLE);
      if (requireIdentical && !comparison.identical()) {
        s.comparison = Optional.of(comparison);
        throw new RefusedException("version " + next.version() + " of " + name + " differs from live version "
            + s.live.version() + " (" + describe(comparison) + ") and requireIdentical is set");
      }
      RebuildProgress p = r.progress();
      AsyncProjectionRunner<JdbcSession> promoted;
      try {
        promoted = r.promote(s.runner.orElseThrow(), s.live, PROMOTE_WAIT);
      } catch (IllegalStateException e) {
        throw new RefusedException(e.getMessage());
      }
      LOG.info("{} version {} promoted over version {} ({})", name, next.version(), s.live.version(),
          describe(comparison));
      s.runner = Optional.of(promoted);
      s.live = next;
      s.next = Optional.empty();
      s.rebuild = Optional.empty();
      s.comparison = Optional.of(comparison);
      s.finished = Optional.of(new RebuildView(next.version(), "promoted", p.done(), 0, p.eventsPerSecond(),
          Optional.of(0.0), true, s.comparison));
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

  /** Read-your-writes: waits until the live version of {@code name} has processed {@code position}. */
  public boolean awaitPosition(String name, long position, Duration timeout) throws InterruptedException {
    AsyncProjectionRunner<JdbcSession> r;
    Slot s = slot(name);
    synchronized (s) {
      requireStarted();
      r = s.runner.orElseThrow();
    }
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

  private View view(Slot s) {
    if (s.runner.isEmpty()) {
      return new View(s.live.name(), s.live.version(), "stopped", true, 0, store.headPosition(), 0, 0, 0,
          Optional.empty(), s.finished);
    }
    ProjectionStatus st = s.runner.get().status();
    Optional<RebuildView> rebuild = s.rebuild.map(r -> rebuildView(s, r)).or(() -> s.finished);
    return new View(s.live.name(), s.live.version(), st.state().name().toLowerCase(Locale.ROOT), true, st.position(),
        st.head(), st.lagEvents(), st.lagSeconds().toNanos() / 1e9, st.parked(), st.lastError(), rebuild);
  }

  private RebuildView rebuildView(Slot s, Rebuild<JdbcSession> r) {
    RebuildProgress p = r.progress();
    Optional<String> failure = rebuildFailure(r);
    boolean caughtUp = failure.isEmpty() && p.caughtUp();
    if (caughtUp && s.comparison.isEmpty()) {
      // Once, when it first catches up; promotion compares again and shows the comparison it promoted over.
      s.comparison = Optional.of(r.compare(s.live, DIFF_SAMPLE));
    }
    String status = failure.isPresent() ? "failed" : caughtUp ? "ready" : "rebuilding";
    Optional<Double> eta = caughtUp ? Optional.of(0.0) : p.eta().map(d -> d.toMillis() / 1000.0);
    return new RebuildView(r.id().version(), status, p.done(), p.toGo(), p.eventsPerSecond(), eta, caughtUp,
        s.comparison);
  }

  /** Stops every runner and rebuild (what they committed stays) and closes the database. Idempotent. */
  @Override
  public synchronized void close() {
    for (Slot s : slots.values()) {
      synchronized (s) {
        s.rebuild.ifPresent(Rebuild::close);
        s.rebuild = Optional.empty();
        s.runner.ifPresent(AsyncProjectionRunner::close);
        s.runner = Optional.empty();
      }
    }
    target.ifPresent(JdbcTarget::close);
    target = Optional.empty();
    temporary.ifPresent(ProjectionHost::deleteTree);
    temporary = Optional.empty();
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
