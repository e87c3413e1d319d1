package dev.annals.core;

/**
 * Configurable input limits.
 *
 * @param maxEventBytes largest {@code data} + {@code metadata} of one event, in UTF-8 bytes
 * @param maxEventsPerAppend most events in one append
 * @param maxReadLimit largest page a read may ask for
 */
public record Limits(int maxEventBytes, int maxEventsPerAppend, int maxReadLimit) {

  public static final int MAX_STREAM_NAME_BYTES = 256;
  public static final int MAX_TYPE_CHARS = 128;

  public static Limits defaults() {
    return new Limits(1 << 20, 10_000, 10_000);
  }

  public Limits {
    if (maxEventBytes < 1 || maxEventsPerAppend < 1 || maxReadLimit < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
