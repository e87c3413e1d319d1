package dev.annals.server.projections;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.HostedProjection;
import dev.annals.module.ProjectionQuery;
import dev.annals.module.ServerModule;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules' projections, hosted next to the data (docs/projections.md): what the {@code /projections}
 * routes call, and so can an embedding program (the demo). It puts three parts together and owns
 * their start and stop: the {@link ReadModelTargets} the read models live in ({@link SqliteReadModels}
 * unless given another), the {@link ProjectionSupervisor} (runners, rebuilds, promotions, snapshots)
 * and the {@link AsOfQueries} (queries as of a past moment); live queries it answers itself, over the
 * supervisor's live version. Thread-safe.
 */
public final class ProjectionHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionHost.class);

  private final EventStore store;
  private final ReadModelTargets targets;
  private final ProjectionSupervisor supervisor;
  private final AsOfQueries asOf;
  private final boolean hostsNone;
  private boolean started;

  /** Projections in SQLite in {@code directory} (empty: a temporary directory deleted at {@link #close}). */
  public ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options) {
    this(store, modules, new SqliteReadModels(directory), options);
  }

  /** Projections in the read-model store {@code targets}; the host opens and closes it. */
  public ProjectionHost(EventStore store, List<ServerModule> modules, ReadModelTargets targets, RunnerOptions options) {
    this(store, modules, targets, options, (rebuild, live) -> rebuild.compare(live, ProjectionSupervisor.DIFF_SAMPLE),
        AsOfQueries.WAIT, r -> Thread.ofVirtual().name("annals-compare").start(r));
  }

  ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options,
      ProjectionSupervisor.Comparer comparer) {
    this(store, modules, directory, options, comparer, AsOfQueries.WAIT);
  }

  /** @param asOfWait how long an as-of query waits for a build slot (tests shorten it) */
  ProjectionHost(EventStore store, List<ServerModule> modules, Optional<Path> directory, RunnerOptions options,
      ProjectionSupervisor.Comparer comparer, Duration asOfWait) {
    this(store, modules, new SqliteReadModels(directory), options, comparer, asOfWait,
        r -> Thread.ofVirtual().name("annals-compare").start(r));
  }

  /** @param background runs the supervisor's comparisons (tests hold them) */
  ProjectionHost(EventStore store, List<ServerModule> modules, ReadModelTargets targets, RunnerOptions options,
      ProjectionSupervisor.Comparer comparer, Duration asOfWait, Executor background) {
    this.store = store;
    this.targets = targets;
    this.asOf = new AsOfQueries(store, options, targets, asOfWait);
    this.supervisor = new ProjectionSupervisor(store, modules, targets, options, comparer, background, asOf::promoted);
    this.hostsNone = supervisor.names().isEmpty();
  }

  /** The hosted projections' names, in module order. */
  public List<String> names() {
    return supervisor.names();
  }

  /**
   * Opens the read-model store and starts one runner per projection, resuming from the stored
   * checkpoints (see {@link ProjectionSupervisor}). Idempotent; a host without projections opens nothing.
   */
  public void start() {
    start("this server");
  }

  /**
   * As {@link #start()}, naming this server {@code nodeName} among the servers sharing the read models: each
   * projection runs on one of them at a time, and the others answer its queries from the shared tables.
   */
  public synchronized void start(String nodeName) {
    if (started) {
      return;
    }
    if (hostsNone) {
      started = true;
      if (targets.sharedByServers()) {
        targets.open(); // the servers sharing it list each other there even without projections
      }
      return;
    }
    started = true;
    try {
      targets.open();
      asOf.start();
      supervisor.start(nodeName);
    } catch (RuntimeException e) {
      close(); // the runners started so far
      throw e;
    }
    LOG.info("projections {} running on {}", supervisor.names(), targets.describe());
  }

  /** Every projection's status, in module order; never waits on a promotion or a comparison, starts nothing. */
  public List<ProjectionSnapshot> list() {
    return supervisor.list();
  }

  /** One projection's status; never waits on a promotion or a comparison, starts nothing. */
  public ProjectionSnapshot status(String name) {
    return supervisor.status(name);
  }

  /** @see ProjectionSupervisor#rebuild */
  public ProjectionSnapshot rebuild(String name) throws InterruptedException {
    return supervisor.rebuild(name);
  }

  /** @see ProjectionSupervisor#awaitRebuildCaughtUp */
  public boolean awaitRebuildCaughtUp(String name, Duration timeout) throws InterruptedException {
    return supervisor.awaitRebuildCaughtUp(name, timeout);
  }

  /** @see ProjectionSupervisor#promote */
  public ProjectionSnapshot promote(String name, boolean requireIdentical) throws InterruptedException {
    return supervisor.promote(name, requireIdentical);
  }

  /** @see ProjectionSupervisor#awaitPosition */
  public boolean awaitPosition(String name, long position, Duration timeout) throws InterruptedException {
    return supervisor.awaitPosition(name, position, timeout);
  }

  /**
   * Answers one of the projection's query routes over its live version.
   *
   * @throws ProjectionSupervisor.UnknownProjectionException no such projection or query
   */
  public JsonNode query(String name, String query, Map<String, String> params) throws SQLException {
    ProjectionQuery q = queryOf(name, query);
    supervisor.requireStarted();
    try (Connection c = targets.target(name).openReader()) {
      return q.query(c, params);
    }
  }

  /**
   * Answers one of the projection's query routes over its live version's code as of a past moment
   * ({@link AsOfQueries}).
   *
   * @throws ProjectionSupervisor.UnknownProjectionException no such projection or query
   * @throws AsOfQueries.UnavailableException no build slot freed in time, or the host is stopped
   */
  public AsOfQueries.Answer queryAsOf(String name, String query, Map<String, String> params, AsOf moment)
      throws SQLException, InterruptedException {
    ProjectionQuery q = queryOf(name, query);
    return asOf.query(supervisor.live(name), q, params, moment);
  }

  /** The store's head position (what an as-of position may reach). */
  public long headPosition() {
    return store.headPosition();
  }

  private ProjectionQuery queryOf(String name, String query) {
    HostedProjection hosted = supervisor.hosted(name);
    return Optional.ofNullable(hosted.queries().get(query)).orElseThrow(() ->
        new ProjectionSupervisor.UnknownProjectionException("projection " + name + " has no query '" + query
            + "'; it has " + hosted.queries().keySet().stream().sorted().toList()));
  }

  /** As-of builds run so far (not answered from kept builds); for tests. */
  long asOfBuildsRun() {
    return asOf.buildsRun();
  }

  /**
   * The database the servers sharing these read models coordinate through, while started; empty for one
   * server's own database (then it is on its own).
   */
  public Optional<JdbcTarget> sharedDatabase() {
    return started && targets.sharedByServers() ? Optional.of(targets.shared()) : Optional.empty();
  }

  /** Where the SQLite projection database is, while started (empty for another store). */
  Optional<Path> databaseDir() {
    return targets instanceof SqliteReadModels sqlite ? sqlite.directory() : Optional.empty();
  }

  /**
   * Lets as-of builds finish, stops every runner and rebuild (what they committed stays) and closes
   * the read-model store. Idempotent.
   */
  @Override
  public synchronized void close() {
    try {
      asOf.close(); // as-of builds write in scratch targets of the store: let them finish first
      supervisor.close();
    } finally {
      targets.close(); // the read-model store is released whatever happened above
    }
  }
}
