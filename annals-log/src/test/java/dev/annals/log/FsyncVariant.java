package dev.annals.log;

/**
 * The fsync modes the shared contract runs on the log are repeated under. {@code never} also uses small
 * segments, so the same tests cross segment boundaries.
 */
enum FsyncVariant {
  ALWAYS(LogOptions.defaults()),
  INTERVAL_5MS(LogOptions.defaults().withFsync("interval:5")),
  NEVER_SMALL_SEGMENTS(LogOptions.defaults().withFsync("never").withSegmentBytes(64 << 10));

  private final LogOptions options;

  FsyncVariant(LogOptions options) {
    this.options = options;
  }

  /** A fresh store in a fresh directory, opened in this mode. */
  LogEventStore open() {
    return TestStores.open(options);
  }
}
