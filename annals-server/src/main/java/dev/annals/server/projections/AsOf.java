package dev.annals.server.projections;

import java.time.Instant;

/** A past moment a projection query is answered at: the three time questions of docs/time.md, asked of a read model. */
public sealed interface AsOf {
  /** After the events at positions 1..position. */
  record AtPosition(long position) implements AsOf {}

  /** As the system knew it at knownAt. */
  record KnownAt(Instant knownAt) implements AsOf {}

  /** What was true at validAt as known at knownAt ({@link Instant#MAX}: every event recorded so far). */
  record ValidAt(Instant validAt, Instant knownAt) implements AsOf {}
}
