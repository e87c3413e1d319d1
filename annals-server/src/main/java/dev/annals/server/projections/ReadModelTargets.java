package dev.annals.server.projections;

import dev.annals.core.ExclusiveRole;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ProjectionId;
import java.io.IOException;
import java.util.Optional;

/**
 * Where the hosted projections' read models live: the one place that knows the engine. The supervisor
 * and the as-of queries ask it for targets and never name an engine; {@link SqliteReadModels} (one
 * SQLite file) is the default, and another engine (PostgreSQL, through its own {@code SqlDialect}) is
 * one more implementation. Dropping a version is the target's own work ({@code ProjectionTarget.drop},
 * which a promotion or an abandoned rebuild calls). Thread-safe.
 */
public interface ReadModelTargets extends AutoCloseable {

  /**
   * Opens the store, once, before any target is asked for; removes what as-of builds of an earlier
   * run left behind (a killed server).
   */
  void open();

  /**
   * The target that holds every version of projection {@code name}, live and rebuilding (a rebuild
   * compares and promotes within one target, so the versions of a name share it). Open from
   * {@link #open} to {@link #close}; the same object each time for a name.
   *
   * @throws IllegalStateException the store is not open
   */
  JdbcTarget target(String name);

  /**
   * The database every server sharing these read models sees, for what they coordinate through (node
   * heartbeats, projection status, requests to a projection's runner). Open from {@link #open} to
   * {@link #close}. With one server on SQLite it is that server's database.
   *
   * @throws IllegalStateException the store is not open
   */
  JdbcTarget shared();

  /**
   * Tries to become the one server that runs projection {@code name} (and its rebuilds) among all servers
   * sharing these read models; the holder checks {@link ExclusiveRole#held()} before each step and stops
   * when it turns false (on PostgreSQL: a session advisory lock, lost with its connection).
   *
   * @return empty when another server (or another holder in this one) runs it
   */
  Optional<ExclusiveRole> tryLead(String name);

  /**
   * Whether several servers may share these read models (then they coordinate through {@link #shared()}:
   * node heartbeats, projection status, requests); false for one server's own database.
   */
  default boolean sharedByServers() {
    return false;
  }

  /** A new, empty target for one as-of build of {@code projection}; it goes when closed. */
  Scratch scratch(ProjectionId projection) throws IOException;

  /** Where the read models are, for logs and error messages. */
  String describe();

  /** Closes the targets (what they committed stays) and removes what was only temporary. Idempotent. */
  @Override
  void close();

  /** The target of one as-of build: built once, then read by queries until closed. */
  interface Scratch extends AutoCloseable {
    JdbcTarget target();

    /** Closes the target and removes what it held; a failure is logged, never thrown. */
    @Override
    void close();
  }
}
