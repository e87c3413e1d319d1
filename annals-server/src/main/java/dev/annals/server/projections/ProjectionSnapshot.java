package dev.annals.server.projections;

import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.ProjectionState;
import java.time.Duration;
import java.util.Optional;

/**
 * One hosted projection as its supervisor last published it: typed, for {@code GET /projections}
 * (which turns it into JSON), the metrics and an embedding program. Reading one starts nothing.
 *
 * @param status the live version's runner ({@link ProjectionState#STOPPED} while the host is stopped)
 * @param nextVersion the version a rebuild would build; empty when the live version is the newest
 * @param lagSeconds the age of the oldest unprocessed event, in seconds (0 when caught up)
 * @param rebuild the current or last rebuild, if any
 * @param runningOn the server (node name) that runs the projection; empty when none does now
 */
public record ProjectionSnapshot(String name, int version, Optional<Integer> nextVersion, ProjectionState status,
    long position, long head, long lagEvents, double lagSeconds, int parked, Optional<String> lastError,
    Optional<Rebuild> rebuild, Optional<String> runningOn) {

  /** Where a blue/green rebuild is. */
  public enum RebuildStatus {
    /** Building, not caught up. */
    REBUILDING,
    /** Caught up: may be promoted. */
    READY,
    /** A promotion is under way. */
    PROMOTING,
    /** Promoted: this version is live now. */
    PROMOTED,
    /** Its runner failed or stopped; start it again. */
    FAILED
  }

  /**
   * A blue/green rebuild.
   *
   * @param eta empty when unknown; zero once caught up
   * @param comparison live against shadow, once the shadow has caught up and the comparison the
   *     supervisor then started is done (for a promoted rebuild: the comparison it was promoted over)
   */
  public record Rebuild(int version, RebuildStatus status, long eventsDone, long eventsToGo, double eventsPerSecond,
      Optional<Duration> eta, boolean caughtUp, Optional<Comparison> comparison) {}
}
