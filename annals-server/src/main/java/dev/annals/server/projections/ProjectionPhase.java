package dev.annals.server.projections;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one hosted projection is in its lifecycle, as its {@link ProjectionSupervisor} drives it, and
 * the moves allowed between these phases. Every change the supervisor makes goes through {@link #to},
 * so an illegal move is a precise {@link IllegalTransitionException} rather than a silently odd state.
 *
 * <pre>
 * STOPPED --start--> RUNNING --rebuild--> REBUILDING --promote--> PROMOTING --promoted--> RUNNING
 *                       ^                  |     ^                    |
 *                       +----abandoned-----+     +-----refused/failed-+
 * RUNNING, REBUILDING --close--> STOPPED
 * </pre>
 *
 * Whether a rebuild has caught up or failed is what its runner reports, not a phase: a rebuild stays
 * {@code REBUILDING} while it catches up, is ready, or fails, until it is promoted or abandoned.
 */
enum ProjectionPhase {
  /** No runner: before start, or after close. */
  STOPPED,
  /** The live version's runner follows the log; no rebuild is under way. */
  RUNNING,
  /** A next version builds beside the live one (catching up, caught up, or failed). */
  REBUILDING,
  /** A promotion is comparing, waiting for the last events, flipping the live version. */
  PROMOTING;

  /** The phases this one may move to. */
  Set<ProjectionPhase> next() {
    return switch (this) {
      case STOPPED -> EnumSet.of(RUNNING);
      case RUNNING -> EnumSet.of(REBUILDING, STOPPED);
      case REBUILDING -> EnumSet.of(RUNNING, PROMOTING, STOPPED);
      case PROMOTING -> EnumSet.of(RUNNING, REBUILDING);
    };
  }

  boolean allows(ProjectionPhase target) {
    return next().contains(target);
  }

  /**
   * @return {@code target}
   * @throws IllegalTransitionException this phase may not move to {@code target}
   */
  ProjectionPhase to(ProjectionPhase target) {
    if (!allows(target)) {
      throw new IllegalTransitionException(this, target);
    }
    return target;
  }

  /** A move between phases that the lifecycle does not allow: a defect of the caller, not a user's mistake. */
  static final class IllegalTransitionException extends IllegalStateException {
    private final ProjectionPhase from;
    private final ProjectionPhase to;

    IllegalTransitionException(ProjectionPhase from, ProjectionPhase to) {
      super("a projection cannot go from " + from + " to " + to + "; from " + from + " it may go to " + from.next());
      this.from = from;
      this.to = to;
    }

    ProjectionPhase from() {
      return from;
    }

    ProjectionPhase to() {
      return to;
    }
  }
}
