package dev.annals.log;

import dev.annals.core.InvalidInputException;
import java.time.Duration;

/**
 * When the log's bytes are forced to disk, and so what a crash of the machine can lose (a crash of
 * the process alone loses nothing that was acknowledged in any mode: the bytes are in the OS page
 * cache). Immutable.
 */
public sealed interface FsyncMode {

  /** Acknowledge an append only after it (and everything before it) is fsynced. Loses nothing. */
  FsyncMode ALWAYS = new Always();

  /** Never fsync on the write path (only when a segment is sealed and on close). */
  FsyncMode NEVER = new Never();

  /** Acknowledge after the write; fsync at most {@code period} later. Loses up to {@code period}. */
  static FsyncMode interval(Duration period) {
    return new Interval(period);
  }

  /** Parses {@code always}, {@code never} or {@code interval:<ms>}. */
  static FsyncMode parse(String text) {
    if (text.equals("always")) {
      return ALWAYS;
    }
    if (text.equals("never")) {
      return NEVER;
    }
    if (text.startsWith("interval:")) {
      try {
        long ms = Long.parseLong(text.substring("interval:".length()));
        if (ms >= 1) {
          return interval(Duration.ofMillis(ms));
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidInputException("fsync mode must be always, never or interval:<ms> (ms >= 1), was '" + text + "'");
  }

  record Always() implements FsyncMode {
    @Override
    public String toString() {
      return "always";
    }
  }

  record Never() implements FsyncMode {
    @Override
    public String toString() {
      return "never";
    }
  }

  record Interval(Duration period) implements FsyncMode {
    public Interval {
      if (period.toMillis() < 1) {
        throw new InvalidInputException("fsync interval must be at least 1 ms");
      }
    }

    @Override
    public String toString() {
      return "interval:" + period.toMillis();
    }
  }
}
