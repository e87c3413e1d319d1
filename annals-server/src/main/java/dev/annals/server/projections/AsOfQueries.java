package dev.annals.server.projections;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.projection.AsOfBuild;
import dev.annals.cqrs.projection.FailurePolicy;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ParkedEvent;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionId;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.ProjectionQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projection queries as of a past moment: the live version's code is built from the log into a scratch
 * target ({@link AsOfBuild}, a target from {@link ReadModelTargets#scratch}) and the query reads it.
 * A build reads the log up to the moment (twice for valid-at), so its cost grows with the log: at most
 * {@link #BUILDS} run at once, and a query waits up to {@link #WAIT} for a slot. When the answer can no
 * longer change (see {@link #finalMoment}) and no event was parked, the build is kept
 * ({@link AsOfCache}, the last {@link #KEPT}) for more queries at the same moment (a second query at
 * a moment being built waits for that build): the next page costs a query, not a build. Otherwise the
 * scratch target goes at once. Thread-safe.
 */
public final class AsOfQueries implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AsOfQueries.class);
  /** As-of builds at once (each reads the log and writes a scratch target), and how long a query waits for one. */
  static final int BUILDS = 2;
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Finished as-of builds kept for more queries at the same moment ({@link AsOfCache}). */
  static final int KEPT = 4;

  /**
   * A query's answer over a read model built as of a past moment.
   *
   * @param position the last position the build could include
   * @param applied events the build applied
   * @param parked positions of events the projection failed on, left out of the answer (never silently:
   *     the route names them)
   */
  public record Answer(JsonNode body, long position, long applied, List<Long> parked) {}

  /** No as-of build slot freed within the wait, or the host stopped (503, retry later). */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message) {
      super(message);
    }
  }

  private final EventStore store;
  private final RunnerOptions options;
  private final ReadModelTargets targets;
  private final Duration wait;
  private final Semaphore slots = new Semaphore(BUILDS);
  private final AsOfCache kept = new AsOfCache(KEPT);
  /** Final moments being built now: a second query for one waits for its build instead of building it too. */
  private final Map<AsOfCache.Key, CompletableFuture<Void>> inProgress = new ConcurrentHashMap<>();
  private final AtomicLong buildsRun = new AtomicLong();
  /** True between start and close; a build that gets a slot outside it answers 503. */
  private volatile boolean open;

  /** @param wait how long a query waits for a build slot (tests shorten it) */
  AsOfQueries(EventStore store, RunnerOptions options, ReadModelTargets targets, Duration wait) {
    this.store = store;
    this.options = options;
    this.targets = targets;
    this.wait = wait;
  }

  /** Opens for queries; the targets are open. */
  void start() {
    open = true;
  }

  /**
   * Answers {@code query} over {@code projection}'s code as of {@code asOf}.
   *
   * @throws UnavailableException no build slot freed within the wait, or the host is stopped
   */
  Answer query(Projection<JdbcSession> projection, ProjectionQuery query, Map<String, String> params, AsOf asOf)
      throws SQLException, InterruptedException {
    Optional<AsOf> moment = finalMoment(asOf);
    Optional<AsOfCache.Key> key = moment.map(m -> new AsOfCache.Key(projection.id(), m));
    CompletableFuture<Void> mine = null;
    if (key.isPresent()) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        Optional<AsOfCache.Entry> found = kept.acquire(key.get());
        if (found.isPresent()) {
          try {
            AsOfCache.Entry e = found.get();
            return answer(query, params, e.scratch.target(), e.position, e.applied, List.of());
          } finally {
            kept.release(found.get());
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
        } catch (TimeoutException e) {
          throw new UnavailableException("a build of the same moment did not end within " + wait.toMillis()
              + " ms; retry later");
        } catch (ExecutionException e) {
          // never: a claim is completed normally, whatever its build did; look again
        }
      }
    }
    try {
      return buildAndAnswer(projection, query, params, moment.orElse(asOf), key);
    } finally {
      if (mine != null) {
        inProgress.remove(key.get(), mine);
        mine.complete(null);
      }
    }
  }

  private Answer buildAndAnswer(Projection<JdbcSession> projection, ProjectionQuery q, Map<String, String> params,
      AsOf asOf, Optional<AsOfCache.Key> key) throws SQLException, InterruptedException {
    if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new UnavailableException(BUILDS + " as-of builds are running and none ended within "
          + wait.toMillis() + " ms; retry later");
    }
    ReadModelTargets.Scratch scratch = null;
    try {
      if (!open) { // close() takes every slot before it closes the targets
        throw new UnavailableException("the projection host is stopped");
      }
      scratch = targets.scratch(projection.id());
      JdbcTarget t = scratch.target();
      // one attempt: an event the projection fails on is parked at once and named in the answer
      // (retrying with back-off would hold a build slot for nothing; the live runner retries)
      AsOfBuild build = new AsOfBuild(store, options.withFailurePolicy(
          new FailurePolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), FailurePolicy.Exhausted.PARK)));
      AsOfBuild.Result r = switch (asOf) {
        case AsOf.AtPosition a -> build.buildAt(projection, t, a.position());
        case AsOf.KnownAt k -> build.build(projection, t, k.knownAt());
        case AsOf.ValidAt v -> build.buildValidAt(projection, t, v.validAt(), v.knownAt());
      };
      buildsRun.incrementAndGet();
      List<Long> parked = t.parked(projection.id()).stream().map(ParkedEvent::position).toList();
      t.close(); // its writer connection (and SQLite's log with it): queries open readers of their own
      // a build that parked an event is not kept: the failure may have been passing
      if (key.isPresent() && parked.isEmpty()) {
        AsOfCache.Entry built = new AsOfCache.Entry(key.get(), scratch, r.position(), r.applied());
        if (kept.offer(built)) {
          scratch = null; // the cache owns it now
          try {
            return answer(q, params, built.scratch.target(), r.position(), r.applied(), parked);
          } finally {
            kept.release(built);
          }
        }
      }
      return answer(q, params, t, r.position(), r.applied(), parked);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (scratch != null) {
        scratch.close();
      }
      slots.release();
    }
  }

  private static Answer answer(ProjectionQuery q, Map<String, String> params, JdbcTarget built, long position,
      long applied, List<Long> parked) throws SQLException {
    try (Connection c = built.openReader()) {
      return new Answer(q.query(c, params), position, applied, parked);
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

  /** A version of {@code live}'s name other than it serves no query now: its kept builds go. */
  void promoted(ProjectionId live) {
    kept.drop(k -> k.projection().name().equals(live.name()) && k.projection().version() != live.version());
  }

  /** As-of builds run so far (not answered from {@link AsOfCache}); for tests. */
  long buildsRun() {
    return buildsRun.get();
  }

  /**
   * Lets running builds finish (up to the wait), then drops the kept builds; from now on a query is
   * unavailable. Call before the targets close. Idempotent.
   */
  @Override
  public void close() {
    boolean drained = false;
    try {
      drained = slots.tryAcquire(BUILDS, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      LOG.warn("as-of builds still running after {} ms; closing the projection database under them", wait.toMillis());
    }
    open = false; // a build that gets a slot from now on answers 503
    kept.close(); // kept builds go (each once its last query ends)
    if (drained) {
      slots.release(BUILDS); // queries waiting for a slot now find the host stopped
    }
  }
}
