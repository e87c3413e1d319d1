package dev.annals.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The log's scanning rules, in one place: walks the records of one segment file, checks each frame
 * (length, CRC, field lengths) and how it fits its batch, hands every whole record to a {@link Visitor},
 * and says how the scanned part ends ({@link Outcome}). Recovery and verify are its two consumers: each
 * checks what the records say (positions, versions, the hash chain) and words its own findings.
 *
 * <p>The tail rule: only the end of the last segment can hold bytes that were never acknowledged (a
 * group is acknowledged only after it is written whole, and a segment is sealed with an fsync before the
 * next one starts). Bytes there are a {@link TornTail} when they are an unfinished batch (its last record
 * missing), or a record that runs past the end of the data, or a region ending in zeros (pages that never
 * reached the disk), and no valid record follows. Anything else that fails its checks is {@link Damage}.
 * Zeros at the very end of the last segment (the writer's preallocation, or pages never written) are set
 * aside before the records are checked ({@link #dataEnd()}), so they never make a damaged complete record
 * look torn.
 *
 * <p>Not thread-safe: one per scan of one file, on the scanning thread.
 */
final class SegmentScanner implements AutoCloseable {

  static final int SCAN_WINDOW = 4 << 20;
  /** The code of a tail whose last batch is unfinished at the end of the data (its records are whole). */
  static final int UNFINISHED = 0;

  /** How a record fits the batch being read. */
  sealed interface Framing permits InOrder, StartsEarly, Broken {}

  /** The next record of its batch (or the first of a new one). */
  record InOrder() implements Framing {}

  /** A batch's first record while {@code seen} of a batch of {@code batchSize} are still unfinished. */
  record StartsEarly(int seen, int batchSize) implements Framing {}

  /** A record whose index or batch size does not follow the {@code seen} records of its batch. */
  record Broken(int seen, int batchSize) implements Framing {}

  private static final InOrder IN_ORDER = new InOrder();

  /** Receives the records of a scan, in file order. */
  interface Visitor {
    /** Whether to read another record; false ends the scan ({@link Stopped}). */
    default boolean more() {
      return true;
    }

    /** A whole record at {@code offset} ({@code size} bytes, in {@code buf} at {@code at}). */
    void record(ByteBuffer buf, int at, long offset, int size, Framing framing);

    /** The record just visited is the last of its batch: the batch is complete. */
    default void batchComplete() { }
  }

  /** How the scanned part of a segment ends. */
  sealed interface Outcome permits CleanEnd, Stopped, TornTail, Damage {}

  /** Whole records and complete batches up to {@code end}, then nothing (or only the zeros set aside). */
  record CleanEnd(long end) implements Outcome {}

  /** The visitor wanted no more records. */
  record Stopped() implements Outcome {}

  /**
   * The last segment ends in bytes never acknowledged, from {@code from} (the unfinished batch's first
   * record, or the torn record) to the end of the data.
   *
   * @param code the torn record's {@link EventRecord.Check} code, or {@link #UNFINISHED}
   * @param seen records of the unfinished batch before the tear
   */
  record TornTail(long from, int code, int seen, int batchSize) implements Outcome {
    String why() {
      return SegmentScanner.why(code);
    }
  }

  /**
   * Damage at {@code at}: a record that fails its frame checks, or ({@link #UNFINISHED}) a batch left
   * unfinished at the end of a sealed segment.
   *
   * @param validAfter where the next valid record starts after {@code at}, or -1
   * @param batchStart the first record of the batch being read when the damage was found
   */
  record Damage(long at, int code, long validAfter, long batchStart, int seen, int batchSize) implements Outcome {
    String why() {
      return SegmentScanner.why(code);
    }
  }

  static String why(int code) {
    return code == UNFINISHED ? "the last batch is unfinished" : EventRecord.Check.describe(code);
  }

  private final FileChannel ch;
  private final boolean last;
  private final long fileSize;
  private final long dataEnd;
  private final RecordCursor cursor;
  private long offset;
  /** Records of the open batch read so far (0: between batches). */
  private int seen;
  private int batchSize;
  private long batchStart = -1;

  private SegmentScanner(FileChannel ch, long from, boolean last) throws IOException {
    this.ch = ch;
    this.last = last;
    this.fileSize = ch.size();
    this.dataEnd = last ? Math.max(from, endOfData(ch, fileSize)) : fileSize;
    this.cursor = new RecordCursor(ch, dataEnd, SCAN_WINDOW);
    this.offset = from;
  }

  /**
   * Opens {@code file} to scan from byte {@code from} (the header's end, or where an index checkpoint
   * resumes). {@code last}: it is the log's last segment, whose zeros at the end are set aside and whose
   * tail may be torn.
   */
  static SegmentScanner open(Path file, long from, boolean last) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new SegmentScanner(ch, from, last);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  long fileSize() {
    return fileSize;
  }

  /** Where the scanned data ends: the file's size, less the zeros at the end of the last segment. */
  long dataEnd() {
    return dataEnd;
  }

  /** Whether the file's header is that of the segment starting at {@code base}. */
  boolean headerIs(long base) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(Segment.HEADER);
    ch.read(h, 0);
    return h.getInt(0) == Segment.MAGIC && h.getInt(4) == Segment.FORMAT_VERSION && h.getLong(8) == base;
  }

  /** Goes on at {@code at} (a valid record after damage), between batches. */
  void resumeAt(long at) {
    offset = at;
    seen = 0;
  }

  /** Reads records from where the scan stands until it ends, stops or finds damage. */
  Outcome scan(Visitor visitor) throws IOException {
    while (true) {
      if (!visitor.more()) {
        return new Stopped();
      }
      if (offset >= dataEnd) {
        return seen == 0 ? new CleanEnd(offset) : tail(UNFINISHED);
      }
      int size = cursor.load(offset);
      if (size < 0) {
        return tail(size);
      }
      ByteBuffer b = cursor.buf;
      int at = cursor.at;
      int index = EventRecord.indexInBatch(b, at);
      int bs = EventRecord.batchSize(b, at);
      Framing framing = IN_ORDER;
      if (index == 0 && seen != 0) {
        framing = new StartsEarly(seen, batchSize);
      } else if (index != seen || bs < 1 || index >= bs || (index > 0 && bs != batchSize)) {
        framing = new Broken(seen, batchSize);
      }
      if (index == 0) {
        batchStart = offset;
        batchSize = bs;
      }
      long recordAt = offset;
      seen = index + 1 == bs ? 0 : index + 1;
      offset += size;
      visitor.record(b, at, recordAt, size, framing);
      if (seen == 0) {
        visitor.batchComplete();
      }
    }
  }

  /** Classifies where the scan stopped: {@code code} is a frame's check code or {@link #UNFINISHED}. */
  private Outcome tail(int code) throws IOException {
    if (code == UNFINISHED) {
      return last ? new TornTail(batchStart, code, seen, batchSize) : new Damage(offset, code, -1, batchStart, seen, batchSize);
    }
    long validAfter = findValidRecordAfter(offset + 1);
    boolean tornShape = code == EventRecord.Check.SHORT || lastByteIsZero();
    if (last && validAfter < 0 && tornShape) {
      return new TornTail(seen > 0 ? batchStart : offset, code, seen, batchSize);
    }
    return new Damage(offset, code, validAfter, batchStart, seen, batchSize);
  }

  private boolean lastByteIsZero() throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    ch.read(one, dataEnd - 1);
    return one.get(0) == 0;
  }

  /** The first offset at or after {@code from} where a valid record starts within the data, or -1. */
  private long findValidRecordAfter(long from) throws IOException {
    RecordCursor c = new RecordCursor(ch, dataEnd, SCAN_WINDOW);
    for (long o = from; o + EventRecord.MIN_RECORD <= dataEnd; o++) {
      if (c.load(o) > 0) {
        return o;
      }
    }
    return -1;
  }

  /**
   * The offset just after the last byte that is not zero, looking no further back than the header:
   * where the data of the last segment ends when zeros follow it. A record never ends in a zero byte
   * (its metadata is a JSON object), so this never cuts into a whole record.
   */
  static long endOfData(FileChannel ch, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1 << 16);
    long end = size;
    while (end > Segment.HEADER) {
      int n = (int) Math.min(b.capacity(), end - Segment.HEADER);
      b.clear().limit(n);
      long from = end - n;
      while (b.hasRemaining()) {
        if (ch.read(b, from + b.position()) < 0) {
          throw new IOException("the file shrank while being read");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (b.get(i) != 0) {
          return from + i + 1;
        }
      }
      end = from;
    }
    return Segment.HEADER;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
