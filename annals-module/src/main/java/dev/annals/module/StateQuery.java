package dev.annals.module;

import java.time.Instant;

/** Which state of a stream is asked for (docs/time.md): now, at a version, known at T, valid at V as known at T. */
public sealed interface StateQuery {

  /** The fold of every event. */
  record Latest() implements StateQuery {}

  /** The fold of versions 1..{@code version}. */
  record AtVersion(long version) implements StateQuery {}

  /** What the system said at {@code knownAt}: events recorded by then, in version order. */
  record KnownAt(Instant knownAt) implements StateQuery {}

  /** What was true at {@code validAt} as known at {@code knownAt}, revocations applied. */
  record ValidAt(Instant validAt, Instant knownAt) implements StateQuery {}
}
