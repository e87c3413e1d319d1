package dev.annals.core;

/** The stream was not at the version the append expected; nothing was written. */
public final class WrongExpectedVersionException extends EventStoreException {

  private final String stream;
  private final ExpectedVersion expected;
  private final long actual;

  public WrongExpectedVersionException(String stream, ExpectedVersion expected, long actual) {
    super("stream '" + stream + "' expected " + expected + " but its version is " + actual
        + (actual == 0 ? " (no stream)" : ""));
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }

  public String stream() {
    return stream;
  }

  public ExpectedVersion expected() {
    return expected;
  }

  /** The stream's last version when the append was checked; 0 when the stream has no events. */
  public long actual() {
    return actual;
  }

  @Override
  public String code() {
    return "wrong_expected_version";
  }
}
