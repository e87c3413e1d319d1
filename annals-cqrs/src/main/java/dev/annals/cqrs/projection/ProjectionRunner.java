package dev.annals.cqrs.projection;

import java.time.Duration;
import java.util.List;

/** A running projection version: its status, read-your-writes, and its parked events. */
public interface ProjectionRunner extends AutoCloseable {

  ProjectionId id();

  ProjectionStatus status();

  /**
   * Waits until every event at or below {@code position} is processed (read-your-writes: pass an
   * append's {@code lastPosition}).
   *
   * @return false on timeout
   * @throws ProjectionFailedException the projection stopped before reaching it
   */
  boolean awaitPosition(long position, Duration timeout) throws InterruptedException;

  /** Parked events, in position order. */
  List<ParkedEvent> parked();

  /**
   * Applies a parked event again (after a fix) and removes it from the parked events, in one unit of
   * work. Note that later events of its stream were applied before it.
   *
   * @throws ProjectionFailedException it still fails (it stays parked)
   */
  void replayParked(long position) throws InterruptedException;

  /** Stops processing; what was committed stays. Idempotent. */
  @Override
  void close();
}
