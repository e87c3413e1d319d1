package dev.annals.log;

import dev.annals.core.ChainHash;
import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a data directory without changing it: every record's checksum and layout, positions,
 * versions and batch framing, every link of the hash chain, and every entry of the index checkpoint
 * against the log. It never repairs and never cuts a tail; it reports. Not thread-safe (one run per
 * instance).
 */
public final class LogVerifier {

  /** Receives progress in bytes of log checked. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> { };

    void onProgress(long bytesDone, long bytesTotal);
  }

  static final int MAX_PROBLEMS = 1000;
  private static final long PROGRESS_EVERY = 4 << 20;

  private final Path dir;
  private final Progress progress;
  private final MessageDigest sha = EventRecord.sha256();
  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private int droppedProblems;

  // what the log says, for the index comparison
  private final Map<Long, IntColumn> offsets = new HashMap<>();
  private final Map<String, LongColumn> streams = new HashMap<>();
  private final LongColumn samples = new LongColumn(64);
  private final Map<Long, byte[]> hashes = new HashMap<>();
  private long lastPosition;
  private final byte[] prevHash = EventRecord.GENESIS_HASH.clone();
  private long lastMicros = Long.MIN_VALUE;
  private long events;

  LogVerifier(Path dir, Progress progress) {
    this.dir = dir;
    this.progress = progress;
  }

  /**
   * Verifies the store in {@code dir}, which must not be open (the directory lock is taken for the
   * duration; an open store is verified with {@link LogEventStore#verify}).
   */
  public static VerifyReport verify(Path dir, Progress progress) {
    if (!Files.isDirectory(dir)) {
      throw new StoreUnavailableException("no data directory at " + dir);
    }
    try (DataDirectory locked = DataDirectory.lockForReading(dir)) {
      return new LogVerifier(dir, progress).verifyUpTo(Long.MAX_VALUE);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot verify " + dir + ": " + e, e);
    }
  }

  private void problem(String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    } else {
      droppedProblems++;
    }
  }

  VerifyReport verifyUpTo(long maxPosition) {
    try {
      List<Long> bases = DataDirectory.segmentBases(dir);
      long total = 0;
      for (long b : bases) {
        total += Files.size(dir.resolve(Segment.fileName(b)));
      }
      long done = 0;
      // a segment that starts right after the verified range is scanned too (up to maxPosition it holds
      // nothing): a fresh store's first segment, or the empty segment a roll just started, is in the log
      for (int i = 0; i < bases.size() && (lastPosition < maxPosition || bases.get(i) == lastPosition + 1); i++) {
        Path file = dir.resolve(Segment.fileName(bases.get(i)));
        done = scanSegment(file, bases.get(i), i == bases.size() - 1 && maxPosition == Long.MAX_VALUE, maxPosition,
            done, total);
      }
      progress.onProgress(total, total);
      checkIndex();
    } catch (IOException e) {
      problem("reading " + dir + " failed: " + e);
    }
    if (droppedProblems > 0) {
      problems.add("... and " + droppedProblems + " more problems");
    }
    return new VerifyReport(events, lastPosition, ChainHash.hex(prevHash), problems, notes);
  }

  private long scanSegment(Path file, long base, boolean last, long maxPosition, long doneBefore, long total)
      throws IOException {
    long size = Files.size(file);
    if (size < Segment.HEADER) {
      if (last) {
        notes.add(file + ": an unfinished segment file of " + size + " bytes (never used; opening the store removes it)");
      } else {
        problem(file + " at byte 0: segment file is shorter than its header");
      }
      return doneBefore + size;
    }
    try (SegmentScanner scanner = SegmentScanner.open(file, Segment.HEADER, last)) {
      if (!scanner.headerIs(base)) {
        problem(file + " at byte 0: segment header is not that of segment " + base);
      }
      if (base != lastPosition + 1) {
        problem(file + ": segment starts at position " + base + " but the log before it ends at " + lastPosition);
      }
      long dataEnd = scanner.dataEnd();
      if (dataEnd < size) {
        notes.add(file + " at byte " + dataEnd + ": " + (size - dataEnd) + " zero bytes after the last record"
            + " (preallocated space, or pages never written); opening the store cuts them");
        doneBefore += size - dataEnd;
        size = dataEnd;
      }
      IntColumn segOffsets = new IntColumn(1024);
      offsets.put(base, segOffsets);
      Check check = new Check(file, segOffsets, maxPosition, doneBefore, total);
      while (true) {
        switch (scanner.scan(check)) {
          case SegmentScanner.CleanEnd clean -> {
            return doneBefore + size;
          }
          case SegmentScanner.Stopped stopped -> {
            return doneBefore + size;
          }
          case SegmentScanner.TornTail torn -> {
            if (torn.code() == SegmentScanner.UNFINISHED) {
              notes.add(file + " at byte " + torn.from() + ": an unfinished batch (" + torn.seen() + " of "
                  + torn.batchSize() + " events) is an unacknowledged torn tail; opening the store cuts it");
            } else {
              notes.add(file + " at byte " + torn.from() + ": an unacknowledged torn tail of " + (size - torn.from())
                  + " bytes (" + EventRecord.Check.describe(torn.code()) + "); opening the store cuts it");
            }
            return doneBefore + size;
          }
          case SegmentScanner.Damage damage -> {
            if (damage.code() == SegmentScanner.UNFINISHED) {
              problem(file + " at byte " + damage.batchStart() + ": a batch of " + damage.batchSize()
                  + " events is unfinished in a sealed segment");
              return doneBefore + size;
            }
            long next = damage.validAfter();
            problem(file + " at byte " + damage.at() + ": " + EventRecord.Check.describe(damage.code())
                + (next >= 0 ? " (valid records resume at byte " + next + ")" : ""));
            if (next < 0) {
              return doneBefore + size;
            }
            scanner.resumeAt(next);
          }
        }
      }
    }
  }

  /** Checks each record against the log before it, collecting problems; stops past {@code maxPosition}. */
  private final class Check implements SegmentScanner.Visitor {
    private final Path file;
    private final IntColumn segOffsets;
    private final long maxPosition;
    private final long doneBefore;
    private final long total;
    private long nextReport;
    private final byte[] stored = new byte[EventRecord.HASH_BYTES];
    private final byte[] computed = new byte[EventRecord.HASH_BYTES];

    Check(Path file, IntColumn segOffsets, long maxPosition, long doneBefore, long total) {
      this.file = file;
      this.segOffsets = segOffsets;
      this.maxPosition = maxPosition;
      this.doneBefore = doneBefore;
      this.total = total;
      this.nextReport = doneBefore + PROGRESS_EVERY;
    }

    @Override
    public boolean more() {
      return lastPosition < maxPosition;
    }

    @Override
    public void record(ByteBuffer b, int at, long o, int r, SegmentScanner.Framing framing) {
      long position = EventRecord.position(b, at);
      if (position != lastPosition + 1) {
        problem(file + " at byte " + o + ": record holds position " + position + ", expected " + (lastPosition + 1));
      }
      int index = EventRecord.indexInBatch(b, at);
      int bs = EventRecord.batchSize(b, at);
      switch (framing) {
        case SegmentScanner.InOrder ok -> { }
        case SegmentScanner.StartsEarly early -> problem(file + " at byte " + o
            + ": a batch starts before the previous one (of " + early.batchSize() + " events) finished");
        case SegmentScanner.Broken broken -> problem(file + " at byte " + o + ": record " + index + "/" + bs
            + " of a batch breaks its framing");
      }
      String stream = EventRecord.stream(b, at);
      LongColumn positions = streams.computeIfAbsent(stream, s -> new LongColumn(16));
      long version = EventRecord.version(b, at);
      if (version != positions.size() + 1) {
        problem(file + " at byte " + o + ": position " + position + " holds version " + version + " of '" + stream
            + "', expected " + (positions.size() + 1));
      }
      positions.add(position);
      positions.publish();
      long micros = EventRecord.recordedAtMicros(b, at);
      if (micros < lastMicros) {
        problem(file + " at byte " + o + ": recordedAt of position " + position + " is before the previous event's");
      }
      lastMicros = micros;
      if (TimeIndex.sampled(position)) {
        samples.add(micros);
        samples.publish();
      }
      System.arraycopy(prevHash, 0, computed, 0, EventRecord.HASH_BYTES);
      EventRecord.computeChain(b, at, computed, sha);
      EventRecord.chainHash(b, at, stored);
      if (!Arrays.equals(stored, computed)) {
        problem(file + " at byte " + o + ": hash chain broken at position " + position
            + " (the stored hash does not match the content and the previous hash)");
      }
      System.arraycopy(stored, 0, prevHash, 0, EventRecord.HASH_BYTES);
      segOffsets.add((int) o);
      segOffsets.publish();
      lastPosition = position;
      events++;
      long end = o + r;
      if (doneBefore + end >= nextReport) {
        progress.onProgress(doneBefore + end, total);
        nextReport += PROGRESS_EVERY;
      }
    }
  }

  private void checkIndex() throws IOException {
    Optional<IndexCheckpoint.Loaded> loaded;
    try {
      loaded = IndexCheckpoint.read(dir);
    } catch (IndexCheckpoint.Damaged e) {
      problem("index checkpoint: " + e.getMessage() + " (opening the store rebuilds it from the log)");
      return;
    }
    if (loaded.isEmpty()) {
      notes.add("no index checkpoint (" + IndexCheckpoint.FILE + "); opening the store rebuilds it from the log");
      return;
    }
    IndexCheckpoint.Loaded c = loaded.get();
    String where = "index checkpoint " + dir.resolve(IndexCheckpoint.FILE);
    long h = c.head();
    if (h > lastPosition) {
      problem(where + " covers position " + h + " but the log ends at " + lastPosition);
      return;
    }
    for (int i = 0; i < c.segmentBases().size(); i++) {
      long base = c.segmentBases().get(i);
      IntColumn idx = c.segmentOffsets().get(i);
      IntColumn actual = offsets.get(base);
      if (actual == null) {
        problem(where + " lists segment " + base + ", which is not in the log");
        continue;
      }
      int expectedCount = (int) Math.max(0, Math.min(actual.size(), h - base + 1));
      if (idx.size() != expectedCount) {
        problem(where + ": segment " + base + " has " + idx.size() + " offsets, the log " + expectedCount);
      }
      for (int k = 0; k < Math.min(idx.size(), expectedCount); k++) {
        if (idx.get(k) != actual.get(k)) {
          problem(where + ": position " + (base + k) + " is at byte " + actual.get(k) + " of segment " + base
              + ", the index says " + idx.get(k));
          break;
        }
      }
    }
    Map<String, Boolean> seen = new HashMap<>();
    for (StreamIndex.Entry e : c.streams()) {
      seen.put(e.name, true);
      LongColumn actual = streams.get(e.name);
      int expectedCount = actual == null ? 0 : actual.countAtMost(h);
      if (e.positions.size() != expectedCount) {
        problem(where + ": stream '" + e.name + "' has " + e.positions.size() + " versions, the log " + expectedCount);
        continue;
      }
      for (int k = 0; k < expectedCount; k++) {
        if (e.positions.get(k) != actual.get(k)) {
          problem(where + ": version " + (k + 1) + " of '" + e.name + "' is at position " + actual.get(k)
              + ", the index says " + e.positions.get(k));
          break;
        }
      }
    }
    for (Map.Entry<String, LongColumn> e : streams.entrySet()) {
      if (!seen.containsKey(e.getKey()) && e.getValue().countAtMost(h) > 0) {
        problem(where + ": stream '" + e.getKey() + "' is missing from the stream index");
      }
    }
    int expectedSamples = h == 0 ? 0 : (int) ((h - 1) / TimeIndex.STRIDE + 1);
    if (c.timeSamples().size() != expectedSamples) {
      problem(where + ": the time index has " + c.timeSamples().size() + " entries, the log needs " + expectedSamples);
    } else {
      for (int k = 0; k < expectedSamples; k++) {
        if (c.timeSamples().get(k) != samples.get(k)) {
          problem(where + ": the time index entry for position " + TimeIndex.positionOfSample(k) + " differs from the log");
          break;
        }
      }
    }
    if (h > 0) {
      Optional<byte[]> hash = hashAt(h);
      if (hash.isPresent() && !Arrays.equals(hash.get(), c.headHash())) {
        problem(where + ": its head hash differs from the log's hash at position " + h);
      }
    }
  }

  /** The stored chain hash at position {@code p}, read from the log; empty when the log has no readable record there. */
  private Optional<byte[]> hashAt(long p) throws IOException {
    long base = 0;
    for (long b : offsets.keySet()) {
      if (b <= p && b > base) {
        base = b;
      }
    }
    IntColumn segOffsets = offsets.get(base);
    if (segOffsets == null || p - base >= segOffsets.size()) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(Segment.fileName(base)), StandardOpenOption.READ)) {
      RecordCursor c = new RecordCursor(ch, ch.size(), 1 << 16);
      if (c.load(segOffsets.get((int) (p - base))) < 0) {
        return Optional.empty();
      }
      byte[] out = new byte[EventRecord.HASH_BYTES];
      EventRecord.chainHash(c.buf, c.at, out);
      return Optional.of(out);
    }
  }
}
