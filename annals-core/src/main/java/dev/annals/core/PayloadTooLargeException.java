package dev.annals.core;

/** An event or a batch exceeds a configured {@link Limits limit}; nothing was written. */
public final class PayloadTooLargeException extends InvalidInputException {

  private final String limit;
  private final long max;
  private final long actual;

  public PayloadTooLargeException(String limit, long max, long actual, String what) {
    super(what + " is " + actual + ", over the limit " + limit + " = " + max);
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }

  /** The name of the limit that applies, e.g. {@code maxEventBytes}. */
  public String limit() {
    return limit;
  }

  public long max() {
    return max;
  }

  public long actual() {
    return actual;
  }

  @Override
  public String code() {
    return "payload_too_large";
  }
}
