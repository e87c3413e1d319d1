package dev.annals.log;

import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment the writer appends to: writes each group with one call, keeps zeros preallocated ahead of
 * the last record, seals the segment (zeros cut, fsynced) and rolls to the next one.
 *
 * <pre>
 * active segment file
 *  0 .. HEADER          header (see {@link Segment})
 *  HEADER .. end        records written so far; readable up to the segment's published end
 *  end .. allocatedEnd  zeros written ahead (PREALLOCATE_BYTES after the group that passed the last ones)
 * </pre>
 *
 * Preallocation: a group's fdatasync rarely changes the file's size then, which on ext4 and most file
 * systems costs a journal commit on top of the data. The zeros are made durable by the fsync of the group
 * that wrote them, cut off when the segment is sealed and when the store closes; after a crash, recovery
 * cuts them with the torn tail (see {@link Recovery}).
 *
 * <p>A full disk is a typed outcome ({@link DiskFull}) where it leaves the store consistent: a group
 * write (the partial write is truncated away) and the start of a new segment (the half-made file is
 * deleted). Every other failure is {@link Failed}, which the writer turns into fail-stop.
 *
 * <p>Writer thread only (not thread-safe); the forcer fsyncs the {@link #channel()} the writer gave it.
 */
final class ActiveSegment {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveSegment.class);

  /** Zeros kept written ahead of the last record of the active segment. */
  static final int PREALLOCATE_BYTES = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PREALLOCATE_BYTES).asReadOnlyBuffer();

  /** What a write or a roll came to. */
  sealed interface Outcome permits Done, DiskFull, Failed {}

  /** It happened. */
  record Done() implements Outcome {}

  /** The disk is full; nothing of the group is on disk and the store stays consistent and writable. */
  record DiskFull(StoreUnavailableException refusal) implements Outcome {}

  /** Any other failure: the store must fail-stop. */
  record Failed(String what, Throwable cause) implements Outcome {}

  static final Done DONE = new Done();

  private final LogState state;
  private final DataDirectory dir;
  /** With {@code fsync=always} the forcer fsyncs every group, so writes never leave the segment unsynced here. */
  private final boolean forcerSyncs;
  private Segment segment;
  private WriteChannel channel;
  private long end;
  /** The file's size: {@link #end} plus the zeros written ahead of it. */
  private long allocatedEnd;
  /** Written since the writer's last fsync of it ({@code fsync=interval} and {@code never} only). */
  private boolean unsynced;

  ActiveSegment(LogState state, DataDirectory dir, boolean forcerSyncs) throws IOException {
    this.state = state;
    this.dir = dir;
    this.forcerSyncs = forcerSyncs;
    this.segment = state.active();
    this.channel = dir.openForWriting(segment.file);
    this.end = segment.end();
    this.allocatedEnd = end; // recovery leaves the file ending at its last record
  }

  Segment segment() {
    return segment;
  }

  WriteChannel channel() {
    return channel;
  }

  /** The end of the last record written (not yet published, maybe). */
  long end() {
    return end;
  }

  boolean unsynced() {
    return unsynced;
  }

  /**
   * Writes a group's records ({@code group}, flipped) at the end. A full disk truncates the partial write
   * away and refuses the group; another error (or a full disk whose truncate fails) is {@link Failed}.
   */
  Outcome write(ByteBuffer group) {
    long groupStart = end;
    try {
      channel.writeFully(group, groupStart);
      long groupEnd = groupStart + group.limit();
      if (groupEnd > allocatedEnd) {
        allocatedEnd = groupEnd;
        preallocate();
      }
    } catch (IOException e) {
      return writeFailed(e, groupStart);
    }
    end = groupStart + group.limit();
    unsynced = !forcerSyncs;
    return DONE;
  }

  /**
   * Writes {@link #PREALLOCATE_BYTES} of zeros after the segment's end (the end of the group just
   * written). Best effort on a full disk: the zeros that got written are cut again and the group goes
   * on without them. Any other error is thrown, and the group fails as if its own write had.
   */
  private void preallocate() throws IOException {
    try {
      channel.writeFully(ZEROS.duplicate(), allocatedEnd);
      allocatedEnd += PREALLOCATE_BYTES;
    } catch (IOException e) {
      if (!isDiskFull(e)) {
        throw e;
      }
      LOG.warn("disk full preallocating {}; going on without preallocation", segment.file);
      channel.truncate(allocatedEnd);
    }
  }

  private Outcome writeFailed(IOException e, long groupStart) {
    if (!isDiskFull(e)) {
      return new Failed("writing " + segment.file + " failed", e);
    }
    try {
      channel.truncate(groupStart);
      allocatedEnd = Math.min(allocatedEnd, groupStart);
      LOG.warn("disk full writing {}: the group was refused and the partial write truncated away", segment.file);
      return new DiskFull(new StoreUnavailableException("the disk is full (" + e.getMessage() + "): nothing of this append"
          + " was written to " + segment.file + "; free space and retry", e));
    } catch (IOException t) {
      e.addSuppressed(t);
      return new Failed("disk full writing " + segment.file + " and the partial write could not be truncated", e);
    }
  }

  /** Writer's own fsync ({@code fsync=interval}). */
  void force() throws IOException {
    channel.force();
    unsynced = false;
  }

  /**
   * Leaves the segment ending at its last record (no zeros after it) and on disk, as it must be before it
   * is sealed or the store closes. A failure here is fail-stop for the caller (an fsync is never retried).
   */
  void seal() throws IOException {
    if (allocatedEnd > end) {
      channel.truncate(end);
      channel.force();
      allocatedEnd = end;
      unsynced = false;
    } else if (unsynced) {
      channel.force();
      unsynced = false;
    }
  }

  /**
   * Starts the next segment at the position after the published head (the current one must be sealed):
   * creates it, adds it to the log and writes to it from now on. On a full disk the half-made file is
   * gone and the sealed segment stays active ({@link DiskFull}: only the group is refused).
   */
  Outcome roll() {
    long base = state.head() + 1;
    try {
      WriteChannel next = dir.createSegment(base);
      Segment started = new Segment(base, dir.segmentFile(base), new IntColumn(1 << 14), Segment.HEADER);
      state.addSegment(started);
      channel.close();
      channel = next;
      segment = started;
      end = Segment.HEADER;
      allocatedEnd = Segment.HEADER;
      return DONE;
    } catch (IOException e) {
      if (isDiskFull(e)) {
        // nothing was staged: refuse this group, keep the sealed segment active, roll again next group
        LOG.warn("disk full starting a new segment in {}: the group was refused", dir.path());
        return new DiskFull(new StoreUnavailableException("the disk is full (" + e.getMessage()
            + "): a new segment could not be started, nothing of this append was written; free space and retry", e));
      }
      return new Failed("starting a new segment failed", e);
    }
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("closing {}: {}", segment.file, e.toString());
    }
  }

  /**
   * Java reports ENOSPC only as an {@link IOException} message, so this is the one place that reads it;
   * everything downstream sees {@link DiskFull}.
   */
  static boolean isDiskFull(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left") || m.contains("ENOSPC") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
