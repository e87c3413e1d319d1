package dev.annals.cqrs.projection;

/** Where a projection runner is. */
public enum ProjectionState {
  /** Reading the log towards the head for the first time since it started, and behind it. */
  CATCHING_UP,
  /** Caught up (or at the head) and following live appends. */
  RUNNING,
  /** A shadow version building beside the live one; not yet promoted. */
  REBUILDING,
  /** Closed. */
  STOPPED,
  /** Stopped by a failure (see the status' last error). */
  FAILED
}
