package dev.annals.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One segment file of the log: a header, then {@link EventRecord}s in position order. Its name is its
 * first position, zero-padded to 20 digits ({@code 00000000000000000001.log}), so a directory listing
 * is in log order. Segments only hold whole appends: the writer starts a new one between groups once
 * the current one reaches the configured size. The in-memory offset index (byte offset of every
 * event, in position order) lives here too.
 *
 * <pre>
 * file header (big-endian)
 *  offset size
 *  0      4    magic          0x414E4C47 "ANLG"
 *  4      4    formatVersion  1
 *  8      8    basePosition   position of the first record (equals the file name)
 *  16     ..   records        see {@link EventRecord}
 *  ..     ..   zeros          active segment of an open store only: up to 1 MiB written ahead of the
 *                             last record (see {@link ActiveSegment}); cut at seal, close and recovery
 * </pre>
 *
 * Thread-safety: positional reads are safe from any thread; the offset index has one writer (the log
 * writer thread) and any number of readers (see {@link IntColumn}).
 */
final class Segment implements AutoCloseable {

  static final int MAGIC = 0x414E4C47;
  static final int FORMAT_VERSION = 1;
  static final int HEADER = 16;
  static final String SUFFIX = ".log";

  final long basePosition;
  final Path file;
  final FileChannel reader;
  final IntColumn offsets;
  /** Published end of the segment: bytes below it hold only published records. */
  private volatile long end;

  Segment(long basePosition, Path file, IntColumn offsets, long end) throws IOException {
    this.basePosition = basePosition;
    this.file = file;
    this.reader = FileChannel.open(file, StandardOpenOption.READ);
    this.offsets = offsets;
    this.end = end;
  }

  static String fileName(long basePosition) {
    return String.format(Locale.ROOT, "%020d%s", basePosition, SUFFIX);
  }

  /** The base position encoded in a segment file name, or -1 when it is not a segment name. */
  static long parseName(String name) {
    if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static ByteBuffer header(long basePosition) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(basePosition).flip();
    return b;
  }

  long end() {
    return end;
  }

  void publishEnd(long newEnd) {
    end = newEnd;
  }

  /** Published events in this segment. */
  int count() {
    return offsets.size();
  }

  /** Last published position in this segment ({@code basePosition - 1} when empty). */
  long lastPosition() {
    return basePosition + offsets.size() - 1;
  }

  /** Byte offset of {@code position}, which must be published in this segment. */
  int offsetOf(long position) {
    return offsets.get((int) (position - basePosition));
  }

  /** Reads bytes at {@code offset} into {@code buf} until it is full or the file ends. */
  void read(ByteBuffer buf, long offset) throws IOException {
    long p = offset;
    while (buf.hasRemaining()) {
      int n = reader.read(buf, p);
      if (n < 0) {
        return;
      }
      p += n;
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
