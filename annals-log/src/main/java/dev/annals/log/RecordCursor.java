package dev.annals.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads records of one segment file through a window of bytes, so that a run of nearby records costs
 * one read. After {@link #load} returns a size, the record's bytes are in {@link #buf} starting at
 * {@link #at}. Not thread-safe: one per reader (cheap to make).
 */
final class RecordCursor {

  private final FileChannel channel;
  private final long fileEnd;
  ByteBuffer buf;
  /** File offset of buf[0]. */
  private long windowStart;
  private int windowLength;
  /** Start of the loaded record within {@link #buf}. */
  int at;

  /**
   * @param fileEnd read nothing at or beyond this offset (a segment's published end, or its size)
   */
  RecordCursor(FileChannel channel, long fileEnd, int window) {
    this.channel = channel;
    this.fileEnd = fileEnd;
    this.buf = ByteBuffer.allocate((int) Math.max(EventRecord.FRAME_HEADER, Math.min(window, Math.max(fileEnd, 4096))));
    this.windowStart = -1;
  }

  long fileEnd() {
    return fileEnd;
  }

  /**
   * Loads the record at {@code offset} and checks it (length, CRC, layout). Returns its size, or a
   * negative {@link EventRecord.Check} code.
   */
  int load(long offset) throws IOException {
    return load(offset, false);
  }

  /** Like {@link #load(long)}; {@code backward} places the window so that earlier records are in it too. */
  int load(long offset, boolean backward) throws IOException {
    if (offset + EventRecord.FRAME_HEADER > fileEnd) {
      return EventRecord.Check.SHORT;
    }
    if (offset < windowStart || offset + EventRecord.FRAME_HEADER > windowStart + windowLength) {
      fill(backward ? Math.max(0, offset + EventRecord.FRAME_HEADER - buf.capacity() + 8192) : offset, offset);
    }
    int rel = (int) (offset - windowStart);
    int bodyLength = buf.getInt(rel);
    long size = (long) bodyLength + EventRecord.FRAME_HEADER;
    if (bodyLength > 0 && offset + size <= fileEnd && offset + size > windowStart + windowLength) {
      if (size > buf.capacity()) {
        buf = ByteBuffer.allocate((int) size);
      }
      fill(offset, offset);
      rel = 0;
    }
    at = rel;
    return EventRecord.check(buf, rel, windowLength);
  }

  private void fill(long start, long mustInclude) throws IOException {
    long s = Math.min(start, mustInclude);
    buf.clear();
    int want = (int) Math.min(buf.capacity(), fileEnd - s);
    buf.limit(want);
    long p = s;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, p);
      if (n < 0) {
        break;
      }
      p += n;
    }
    windowStart = s;
    windowLength = buf.position();
    buf.clear();
  }
}
