package dev.annals.examples.bank;

import dev.annals.cqrs.CommandRejectedException;

/**
 * Thrown by the bank's {@code decide} functions when a command breaks a rule; carries the
 * {@link Rejection} with its facts. Its {@link #reason()} is the rejection's code.
 */
public final class RejectedException extends CommandRejectedException {

  private final transient Rejection rejection;

  public RejectedException(Rejection rejection) {
    super(rejection.code(), rejection.message());
    this.rejection = rejection;
  }

  /**
   * No stack trace: a rejection is an expected outcome of a command (the seeded history meets
   * thousands), not a bug; its rejection says everything.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  public Rejection rejection() {
    return rejection;
  }
}
