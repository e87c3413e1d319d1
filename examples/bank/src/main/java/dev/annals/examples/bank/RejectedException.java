package dev.annals.examples.bank;

/**
 * Thrown by the bank's {@code decide} functions when a command breaks a rule; carries the
 * {@link Rejection} with its facts. Its {@link #reason()} is the rejection's code.
 */
public final class RejectedException extends RuntimeException {

  private final transient Rejection rejection;

  public RejectedException(Rejection rejection) {
    super(rejection.message());
    this.rejection = rejection;
  }

  /** The rejection's stable code, e.g. {@code insufficient_funds}. */
  public String reason() {
    return rejection.code();
  }

  public Rejection rejection() {
    return rejection;
  }
}
