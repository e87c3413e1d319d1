package dev.annals.log;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The persisted indexes ({@code index.chk}): everything {@link LogEventStore} derives from the log up
 * to one position, so that opening a large store reads this file plus the log after it instead of the
 * whole log. It says which log position and byte offset it covers and carries its own checksum; when
 * it is missing, damaged or does not match the log, the store rebuilds it from the log. Replaced
 * atomically (write a temporary file, fsync, rename, fsync the directory).
 *
 * <pre>
 * (big-endian)
 *  offset size
 *  0      4    magic             0x414E4958 "ANIX"
 *  4      4    formatVersion     1
 *  8      8    coveredPosition   H: the last position these indexes cover (0: empty log)
 *  16     8    resumeSegment     base position of the segment holding H (1 when empty)
 *  24     8    resumeOffset      byte offset just after H's record in that segment
 *  32     32   headHash          chain hash of H
 *  64     8    lastRecordedAt    microseconds, of H
 *  72     4    segmentCount
 *  76     4    streamCount
 *  80     4    timeSampleCount
 *  84     4    reserved (0)
 *  88     ..   segments   segmentCount x { basePosition:8, count:4, offset:4 x count }
 *         ..   streams    streamCount  x { nameLength:2, name (UTF-8), count:4, position:8 x count }
 *         ..   time       timeSampleCount x recordedAt:8   (of positions 1, 1+STRIDE, ...)
 *  end-8  4    crc32c     of every byte before it
 *  end-4  4    magic      0x414E4958 again (a complete file ends with it)
 * </pre>
 *
 * Stateless; write and read are safe from any thread as long as one write runs at a time.
 */
final class IndexCheckpoint {

  static final String FILE = "index.chk";
  static final String TEMP = "index.chk.tmp";
  static final int MAGIC = 0x414E4958;
  static final int FORMAT_VERSION = 1;
  static final int HEADER = 88;
  static final int TRAILER = 8;

  /** What a checkpoint holds, loaded. */
  record Loaded(long head, long resumeSegment, long resumeOffset, byte[] headHash, long lastRecordedAtMicros,
      List<Long> segmentBases, List<IntColumn> segmentOffsets, List<StreamIndex.Entry> streams, LongColumn timeSamples) {}

  private IndexCheckpoint() {}

  /** Writes the indexes as of position {@code head} (every structure may hold more; it is cut at head). */
  static void write(Path dir, long head, long resumeSegment, long resumeOffset, byte[] headHash,
      long lastRecordedAtMicros, List<Segment> segments, StreamIndex streams, TimeIndex time) throws IOException {
    Path tmp = dir.resolve(TEMP);
    CRC32C crc = new CRC32C();
    try (OutputStream file = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(file, crc), 1 << 16))) {
      List<Segment> covered = new ArrayList<>();
      for (Segment s : segments) {
        if (s.basePosition <= Math.max(head, 1)) {
          covered.add(s);
        }
      }
      List<StreamIndex.Entry> entries = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (StreamIndex.Entry e : streams.entries()) {
        int n = e.positions.countAtMost(head);
        if (n > 0) {
          entries.add(e);
          counts.add(n);
        }
      }
      int samples = head == 0 ? 0 : (int) Math.min(time.samples.size(), (head - 1) / TimeIndex.STRIDE + 1);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(head);
      out.writeLong(resumeSegment);
      out.writeLong(resumeOffset);
      out.write(headHash);
      out.writeLong(lastRecordedAtMicros);
      out.writeInt(covered.size());
      out.writeInt(entries.size());
      out.writeInt(samples);
      out.writeInt(0);
      for (Segment s : covered) {
        int n = (int) Math.max(0, Math.min(s.count(), head - s.basePosition + 1));
        out.writeLong(s.basePosition);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
          out.writeInt(s.offsets.get(i));
        }
      }
      for (int k = 0; k < entries.size(); k++) {
        StreamIndex.Entry e = entries.get(k);
        int n = counts.get(k);
        out.writeShort(e.nameBytes.length);
        out.write(e.nameBytes);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
          out.writeLong(e.positions.get(i));
        }
      }
      for (int i = 0; i < samples; i++) {
        out.writeLong(time.samples.get(i));
      }
      out.flush();
      DataOutputStream trailer = new DataOutputStream(file);
      trailer.writeInt((int) crc.getValue());
      trailer.writeInt(MAGIC);
      trailer.flush();
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DataDirectory.fsync(dir);
  }

  /**
   * Reads the checkpoint. Empty when there is none; {@link Damaged} when it exists but cannot be
   * trusted (the caller rebuilds from the log and says why).
   */
  static Optional<Loaded> read(Path dir) throws IOException, Damaged {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER + TRAILER || size > Integer.MAX_VALUE) {
        throw new Damaged(file + ": size " + size + " is impossible");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      int body = (int) size - TRAILER;
      CRC32C crc = new CRC32C();
      crc.update(buf.slice(0, body));
      if (buf.getInt(body + 4) != MAGIC || buf.getInt(0) != MAGIC) {
        throw new Damaged(file + ": not a complete index checkpoint (magic missing)");
      }
      if (buf.getInt(body) != (int) crc.getValue()) {
        throw new Damaged(file + ": checksum (CRC32C) does not match");
      }
      if (buf.getInt(4) != FORMAT_VERSION) {
        throw new Damaged(file + ": unknown format version " + buf.getInt(4));
      }
      try {
        return Optional.of(parse(buf, body));
      } catch (RuntimeException e) {
        throw new Damaged(file + ": malformed: " + e);
      }
    }
  }

  private static Loaded parse(ByteBuffer buf, int body) {
    long head = buf.getLong(8);
    long resumeSegment = buf.getLong(16);
    long resumeOffset = buf.getLong(24);
    byte[] headHash = new byte[EventRecord.HASH_BYTES];
    buf.get(32, headHash);
    long lastRecordedAt = buf.getLong(64);
    int segmentCount = buf.getInt(72);
    int streamCount = buf.getInt(76);
    int sampleCount = buf.getInt(80);
    buf.position(HEADER);
    buf.limit(body);
    List<Long> bases = new ArrayList<>(segmentCount);
    List<IntColumn> offsets = new ArrayList<>(segmentCount);
    for (int i = 0; i < segmentCount; i++) {
      bases.add(buf.getLong());
      int n = buf.getInt();
      int[] a = new int[n + 16];
      buf.asIntBuffer().get(a, 0, n);
      buf.position(buf.position() + n * 4);
      offsets.add(new IntColumn(a, n));
    }
    List<StreamIndex.Entry> streams = new ArrayList<>(streamCount);
    for (int i = 0; i < streamCount; i++) {
      int len = Short.toUnsignedInt(buf.getShort());
      byte[] name = new byte[len];
      buf.get(name);
      int n = buf.getInt();
      long[] a = new long[n + 4];
      buf.asLongBuffer().get(a, 0, n);
      buf.position(buf.position() + n * 8);
      streams.add(new StreamIndex.Entry(new String(name, StandardCharsets.UTF_8), new LongColumn(a, n)));
    }
    long[] samples = new long[sampleCount + 16];
    buf.asLongBuffer().get(samples, 0, sampleCount);
    buf.position(buf.position() + sampleCount * 8);
    if (buf.position() != body) {
      throw new IllegalStateException((body - buf.position()) + " bytes left over");
    }
    return new Loaded(head, resumeSegment, resumeOffset, headHash, lastRecordedAt, bases, offsets, streams,
        new LongColumn(samples, sampleCount));
  }

  /** The checkpoint exists but cannot be used. */
  static final class Damaged extends Exception {
    Damaged(String message) {
      super(message);
    }
  }
}
