package dev.annals.cqrs.projection;

import java.time.Duration;

/**
 * What to do when an applier throws: retry up to {@code maxAttempts} times in all, with exponential
 * backoff from {@code initialBackoff} capped at {@code maxBackoff}, then {@link Exhausted#PARK} the
 * event (recorded with its error, the projection goes on) or {@link Exhausted#STOP} the projection
 * (status failed, checkpoint left before the event). Never skips silently.
 */
public record FailurePolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Exhausted whenExhausted) {

  public enum Exhausted { PARK, STOP }

  public FailurePolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** 5 attempts from 50 ms to 5 s, then park. */
  public static FailurePolicy parkAfterRetries() {
    return new FailurePolicy(5, Duration.ofMillis(50), Duration.ofSeconds(5), Exhausted.PARK);
  }

  /** 5 attempts from 50 ms to 5 s, then stop. */
  public static FailurePolicy stopAfterRetries() {
    return new FailurePolicy(5, Duration.ofMillis(50), Duration.ofSeconds(5), Exhausted.STOP);
  }

  /** The wait before attempt {@code attempt} (2-based: the first retry). */
  Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 2));
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
