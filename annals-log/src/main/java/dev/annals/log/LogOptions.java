package dev.annals.log;

import dev.annals.core.InvalidInputException;
import dev.annals.core.Limits;
import java.time.Clock;

/**
 * How a log store is opened. Immutable; {@code with*} methods return modified copies.
 *
 * @param fsync when appends are forced to disk (default {@link FsyncMode#ALWAYS})
 * @param segmentBytes a segment is sealed and a new one started once it reaches this size
 * @param limits input limits (docs/http-api.md)
 * @param idempotencyWindow how many of the most recent events are remembered by id for idempotent
 *     {@code any} appends (default 1,000,000)
 * @param checkpointEvery write the index checkpoint in the background after this many new events
 *     (it is also written on close), bounding how much log an open after a crash must replay
 * @param clock the source of {@code recordedAt}
 */
public record LogOptions(
    FsyncMode fsync,
    long segmentBytes,
    Limits limits,
    int idempotencyWindow,
    long checkpointEvery,
    Clock clock,
    WriteChannel.Factory writeChannels) {

  public static final long DEFAULT_SEGMENT_BYTES = 256L << 20;
  public static final int DEFAULT_IDEMPOTENCY_WINDOW = 1_000_000;
  public static final long DEFAULT_CHECKPOINT_EVERY = 1_000_000;
  /** Segments stay below 2 GiB so offsets inside them fit an int. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  public LogOptions {
    if (segmentBytes < 4096 || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new InvalidInputException("segment size must be 4096.." + MAX_SEGMENT_BYTES + " bytes, was " + segmentBytes);
    }
    if (idempotencyWindow < 0) {
      throw new InvalidInputException("idempotency window must be >= 0, was " + idempotencyWindow);
    }
    if (checkpointEvery < 1) {
      throw new InvalidInputException("checkpointEvery must be >= 1, was " + checkpointEvery);
    }
  }

  public static LogOptions defaults() {
    return new LogOptions(FsyncMode.ALWAYS, DEFAULT_SEGMENT_BYTES, Limits.defaults(), DEFAULT_IDEMPOTENCY_WINDOW,
        DEFAULT_CHECKPOINT_EVERY, Clock.systemUTC(), WriteChannel.FILES);
  }

  public LogOptions withFsync(FsyncMode mode) {
    return new LogOptions(mode, segmentBytes, limits, idempotencyWindow, checkpointEvery, clock, writeChannels);
  }

  /** {@code always}, {@code never} or {@code interval:<ms>}. */
  public LogOptions withFsync(String mode) {
    return withFsync(FsyncMode.parse(mode));
  }

  public LogOptions withSegmentBytes(long bytes) {
    return new LogOptions(fsync, bytes, limits, idempotencyWindow, checkpointEvery, clock, writeChannels);
  }

  public LogOptions withLimits(Limits newLimits) {
    return new LogOptions(fsync, segmentBytes, newLimits, idempotencyWindow, checkpointEvery, clock, writeChannels);
  }

  public LogOptions withIdempotencyWindow(int events) {
    return new LogOptions(fsync, segmentBytes, limits, events, checkpointEvery, clock, writeChannels);
  }

  public LogOptions withCheckpointEvery(long events) {
    return new LogOptions(fsync, segmentBytes, limits, idempotencyWindow, events, clock, writeChannels);
  }

  public LogOptions withClock(Clock newClock) {
    return new LogOptions(fsync, segmentBytes, limits, idempotencyWindow, checkpointEvery, newClock, writeChannels);
  }

  /** The I/O seam for fault injection in tests. */
  LogOptions withWriteChannels(WriteChannel.Factory factory) {
    return new LogOptions(fsync, segmentBytes, limits, idempotencyWindow, checkpointEvery, clock, factory);
  }
}
