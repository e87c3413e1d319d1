package dev.annals.log;

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
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the log: loads the index checkpoint when it matches the log, replays (and checks) the log after
 * it, cuts a torn tail that was never acknowledged, refuses to open on damage anywhere else, and
 * rebuilds the id window. Runs once, on the opening thread, before the writer starts (not thread-safe).
 *
 * <p>What a torn tail is, and how zeros at the end of the last segment are set aside, is the
 * {@link SegmentScanner}'s rule, shared with verify; recovery applies each complete batch the scanner
 * yields after checking its positions, versions, times and hash chain, and cuts what the scanner
 * classifies as torn (never below what the index checkpoint proves acknowledged).
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** The result: shared state plus what only the writer keeps. */
  record Recovered(LogState state, byte[] chain, long lastRecordedAtMicros, IdWindow ids, long cutBytes,
      boolean indexRebuilt) {}

  private final Path dir;
  private final LogOptions options;
  private final MessageDigest sha = EventRecord.sha256();

  // state being rebuilt
  private final StreamIndex streams = new StreamIndex();
  private LongColumn samples = new LongColumn(64);
  private final List<Segment> segments = new ArrayList<>();
  private long head;
  private byte[] chain = EventRecord.GENESIS_HASH.clone();
  private long lastMicros = Long.MIN_VALUE;
  private long cut;
  /**
   * The head of the last index checkpoint whose checksum holds, used or not: the checkpoint is written
   * only over fsynced data, so every position up to it was acknowledged and must still be in the log.
   * Nothing is cut below it (0: no such checkpoint).
   */
  private long acknowledgedHead;

  private final DataDirectory dataDir;

  private Recovery(DataDirectory dataDir, LogOptions options) {
    this.dataDir = dataDir;
    this.dir = dataDir.path();
    this.options = options;
  }

  static Recovered recover(DataDirectory dataDir, LogOptions options) throws IOException {
    Recovery r = new Recovery(dataDir, options);
    try {
      return r.run();
    } catch (IOException | RuntimeException | Error e) {
      for (Segment s : r.segments) {
        try {
          s.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private Recovered run() throws IOException {
    List<Long> bases = new ArrayList<>(dataDir.segmentBases());
    if (bases.isEmpty()) {
      dataDir.createSegment(1).close();
      bases.add(1L);
    }
    Optional<IndexCheckpoint.Loaded> checkpoint = loadCheckpoint(bases);
    boolean rebuilt = checkpoint.isEmpty();
    int startIndex = 0;
    long startOffset = Segment.HEADER;
    if (checkpoint.isPresent()) {
      IndexCheckpoint.Loaded c = checkpoint.get();
      for (int i = 0; i < c.segmentBases().size(); i++) {
        IntColumn offsets = c.segmentOffsets().get(i);
        long base = c.segmentBases().get(i);
        long end = base == c.resumeSegment() ? c.resumeOffset() : Files.size(segmentPath(base));
        segments.add(new Segment(base, segmentPath(base), offsets, end));
      }
      for (StreamIndex.Entry e : c.streams()) {
        streams.put(e);
      }
      samples = c.timeSamples();
      head = c.head();
      chain = c.headHash();
      lastMicros = c.lastRecordedAtMicros();
      startIndex = bases.indexOf(c.resumeSegment());
      startOffset = c.resumeOffset();
      // the resume segment is rescanned from resumeOffset; drop it from the list and re-add below
      Segment resume = segments.remove(segments.size() - 1);
      resume.close();
      replay(bases, startIndex, startOffset, c.segmentOffsets().get(c.segmentOffsets().size() - 1));
    } else {
      replay(bases, 0, Segment.HEADER, new IntColumn(1024));
    }
    if (segments.isEmpty()) {
      // the only segment was a new store's first, left unfinished by a crash while it was made: make it again
      dataDir.createSegment(head + 1).close();
      segments.add(new Segment(head + 1, segmentPath(head + 1), new IntColumn(1024), Segment.HEADER));
    }
    if (head < acknowledgedHead) {
      Path last = segmentPath(bases.get(bases.size() - 1));
      throw new CorruptLogException(last, Files.size(last), acknowledgedLost());
    }
    // What was read may sit in the page cache only (a process killed with fsync=never or interval):
    // fsync the last segment, so the writer starts with everything recovered on disk (durableHead).
    try (FileChannel last = FileChannel.open(segments.get(segments.size() - 1).file, StandardOpenOption.WRITE)) {
      last.force(false);
    }
    IdWindow ids = rebuildIdWindow();
    LogState state = new LogState(dir, options, segments, streams, new TimeIndex(samples), head);
    return new Recovered(state, chain, lastMicros, ids, cut, rebuilt);
  }

  /** Refuses to cut anything off the log while it holds fewer events than the checkpoint proves acknowledged. */
  private void requireNothingAcknowledgedCut(Path file, long at) {
    if (head < acknowledgedHead) {
      throw new CorruptLogException(file, at, acknowledgedLost());
    }
  }

  private String acknowledgedLost() {
    return "index.chk shows that positions up to " + acknowledgedHead + " were acknowledged, but the log holds only"
        + " positions up to " + head + ": acknowledged events are missing (nothing was cut; if index.chk was copied"
        + " here from another store, delete it and open again)";
  }

  private Path segmentPath(long base) {
    return dataDir.segmentFile(base);
  }


  private Optional<IndexCheckpoint.Loaded> loadCheckpoint(List<Long> bases) throws IOException {
    Optional<IndexCheckpoint.Loaded> loaded;
    try {
      loaded = IndexCheckpoint.read(dir);
    } catch (IndexCheckpoint.Damaged e) {
      LOG.warn("index checkpoint unusable ({}); rebuilding the indexes from the log", e.getMessage());
      return Optional.empty();
    }
    if (loaded.isEmpty()) {
      if (!(bases.size() == 1 && Files.size(segmentPath(bases.get(0))) <= Segment.HEADER)) {
        LOG.warn("no index checkpoint in {}; rebuilding the indexes from the log", dir);
      }
      return loaded;
    }
    acknowledgedHead = loaded.get().head();
    Optional<String> mismatch = mismatch(loaded.get(), bases);
    if (mismatch.isPresent()) {
      LOG.warn("index checkpoint does not match the log ({}); rebuilding the indexes from the log", mismatch.get());
      return Optional.empty();
    }
    return loaded;
  }

  /** Why a checkpoint cannot be used with these segment files, if it cannot. */
  private Optional<String> mismatch(IndexCheckpoint.Loaded c, List<Long> bases) throws IOException {
    List<Long> covered = c.segmentBases();
    if (covered.isEmpty() || covered.size() > bases.size() || !bases.subList(0, covered.size()).equals(covered)) {
      return Optional.of("it covers segments " + covered + " but the directory holds " + bases);
    }
    if (covered.get(covered.size() - 1) != c.resumeSegment()) {
      return Optional.of("its resume segment is not its last");
    }
    long expectedCount = 0;
    for (int i = 0; i < covered.size(); i++) {
      if (covered.get(i) != expectedCount + 1) {
        return Optional.of("segment " + covered.get(i) + " does not follow position " + expectedCount);
      }
      expectedCount += c.segmentOffsets().get(i).size();
    }
    if (expectedCount != c.head()) {
      return Optional.of("its segments hold " + expectedCount + " events, its head is " + c.head());
    }
    Path resume = segmentPath(c.resumeSegment());
    if (Files.size(resume) < c.resumeOffset()) {
      return Optional.of("it covers " + resume + " up to byte " + c.resumeOffset() + " but the file is shorter");
    }
    if (c.head() == 0) {
      return Optional.empty();
    }
    IntColumn lastOffsets = c.segmentOffsets().get(covered.size() - 1);
    long headOffset = lastOffsets.size() == 0 ? -1 : lastOffsets.get(lastOffsets.size() - 1);
    if (headOffset < 0) {
      return Optional.of("its last segment is empty");
    }
    try (FileChannel ch = FileChannel.open(resume, StandardOpenOption.READ)) {
      RecordCursor cursor = new RecordCursor(ch, c.resumeOffset(), 1 << 16);
      int size = cursor.load(headOffset);
      if (size < 0 || headOffset + size != c.resumeOffset()) {
        return Optional.of("the record it names as the head is not at byte " + headOffset + " of " + resume);
      }
      byte[] h = new byte[EventRecord.HASH_BYTES];
      EventRecord.chainHash(cursor.buf, cursor.at, h);
      if (EventRecord.position(cursor.buf, cursor.at) != c.head() || !Arrays.equals(h, c.headHash())) {
        return Optional.of("the head record's position or hash differs");
      }
    }
    return Optional.empty();
  }

  /** One record of a batch not yet known to be complete. */
  private record Staged(StreamIndex.Entry entry, long position, int offset, long micros) {}

  private void replay(List<Long> bases, int fromIndex, long fromOffset, IntColumn resumeOffsets) throws IOException {
    long offset = fromOffset;
    for (int i = fromIndex; i < bases.size(); i++) {
      long base = bases.get(i);
      Path file = segmentPath(base);
      boolean last = i == bases.size() - 1;
      long size = Files.size(file);
      if (offset == Segment.HEADER) {
        if (size < Segment.HEADER) {
          if (!last) {
            throw new CorruptLogException(file, 0, "segment file is shorter than its header");
          }
          requireNothingAcknowledgedCut(file, 0);
          LOG.warn("cut {} bytes: an unfinished segment file {} was never used", size, file);
          cut += size;
          Files.delete(file);
          dataDir.fsync();
          break;
        }
      }
      IntColumn offsets = i == fromIndex ? resumeOffsets : new IntColumn(1024);
      long end;
      try (SegmentScanner scanner = SegmentScanner.open(file, offset, last)) {
        if (offset == Segment.HEADER) {
          if (!scanner.headerIs(base)) {
            throw new CorruptLogException(file, 0, "segment header is not that of segment " + base);
          }
          if (base != head + 1) {
            throw new CorruptLogException(file, 0, "segment starts at position " + base + " but the log before it ends at "
                + head + (base > head + 1 ? " (a segment is missing)" : ""));
          }
        }
        end = scanSegment(scanner, file, last, offsets);
      }
      segments.add(new Segment(base, file, offsets, end));
      offset = Segment.HEADER;
    }
  }

  /** Scans one segment, applying complete batches; cuts a torn tail (and zeros); returns the end of valid data. */
  private long scanSegment(SegmentScanner scanner, Path file, boolean last, IntColumn offsets) throws IOException {
    long fileSize = scanner.fileSize();
    return switch (scanner.scan(new Replay(file, offsets))) {
      case SegmentScanner.CleanEnd clean -> {
        long end = clean.end();
        if (fileSize > end) {
          requireNothingAcknowledgedCut(file, end);
          LOG.warn("cut {} bytes of zeros after the last record of {} at byte offset {} (preallocated space, or pages"
              + " never written)", fileSize - end, file, end);
          truncate(file, end);
          cut += fileSize - end;
        }
        yield end;
      }
      case SegmentScanner.TornTail torn -> {
        long tailStart = torn.from();
        requireNothingAcknowledgedCut(file, tailStart);
        long bytes = fileSize - tailStart;
        LOG.warn("cut {} bytes of unacknowledged torn tail from {} at byte offset {} ({}; {} records of an unfinished batch;"
            + " {} zero bytes at the end)", bytes, file, tailStart, torn.why(), torn.seen(), fileSize - scanner.dataEnd());
        truncate(file, tailStart);
        cut += bytes;
        yield tailStart;
      }
      case SegmentScanner.Damage d -> throw new CorruptLogException(file, d.at(), d.why() + (!last
          ? " (in a sealed segment)"
          : d.validAfter() >= 0 ? " (valid records follow at byte " + d.validAfter() + ")" : " (a complete record is damaged)"));
      case SegmentScanner.Stopped stopped -> throw new IllegalStateException("recovery reads every record");
    };
  }

  /** Checks each record against the log before it, and applies each complete batch to the indexes. */
  private final class Replay implements SegmentScanner.Visitor {
    private final Path file;
    private final IntColumn offsets;
    private final List<Staged> batch = new ArrayList<>();
    private final Map<StreamIndex.Entry, Long> versions = new HashMap<>();
    private final byte[] stored = new byte[EventRecord.HASH_BYTES];
    private final byte[] batchChain = chain.clone();
    private long batchMicros = lastMicros;

    Replay(Path file, IntColumn offsets) {
      this.file = file;
      this.offsets = offsets;
    }

    @Override
    public void record(ByteBuffer b, int at, long o, int size, SegmentScanner.Framing framing) {
      long position = EventRecord.position(b, at);
      int index = EventRecord.indexInBatch(b, at);
      int batchSize = EventRecord.batchSize(b, at);
      long expectedPosition = head + batch.size() + 1;
      if (position != expectedPosition) {
        throw new CorruptLogException(file, o, "record holds position " + position + ", expected " + expectedPosition);
      }
      if (!(framing instanceof SegmentScanner.InOrder)) {
        throw new CorruptLogException(file, o, "record " + index + " of a batch of " + batchSize
            + " follows " + batch.size() + " records of its batch");
      }
      String stream = EventRecord.stream(b, at);
      StreamIndex.Entry entry = streams.getOrCreate(stream);
      long v = versions.getOrDefault(entry, entry.version()) + 1;
      if (EventRecord.version(b, at) != v) {
        throw new CorruptLogException(file, o, "record holds version " + EventRecord.version(b, at) + " of stream '"
            + stream + "', expected " + v);
      }
      versions.put(entry, v);
      long micros = EventRecord.recordedAtMicros(b, at);
      if (micros < batchMicros) {
        throw new CorruptLogException(file, o, "recordedAt goes back in time");
      }
      batchMicros = micros;
      EventRecord.computeChain(b, at, batchChain, sha);
      EventRecord.chainHash(b, at, stored);
      if (!Arrays.equals(stored, batchChain)) {
        throw new CorruptLogException(file, o, "hash chain broken: the record's hash does not match its content"
            + " and the hash before it");
      }
      batch.add(new Staged(entry, position, (int) o, micros));
    }

    @Override
    public void batchComplete() {
      for (Staged s : batch) {
        offsets.add(s.offset());
        s.entry().positions.add(s.position());
        s.entry().positions.publish();
        s.entry().pendingVersion = s.entry().positions.size();
        if (TimeIndex.sampled(s.position())) {
          samples.add(s.micros());
        }
      }
      offsets.publish();
      samples.publish();
      head += batch.size();
      chain = batchChain.clone();
      lastMicros = batchMicros;
      batch.clear();
      versions.clear();
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
      w.truncate(size);
      w.force(true);
    }
  }

  /** The ids of the last {@code window} events, read from the log. */
  private IdWindow rebuildIdWindow() {
    int window = options.idempotencyWindow();
    IdWindow ids = new IdWindow(window);
    if (head == 0 || window == 0) {
      return ids;
    }
    LogState view = new LogState(dir, options, segments, streams, new TimeIndex(samples), head);
    LogState.Reader reader = view.new Reader(SegmentScanner.SCAN_WINDOW);
    for (long p = Math.max(1, head - window + 1); p <= head; p++) {
      RecordCursor c = reader.load(p, false);
      ids.add(new UUID(EventRecord.idMost(c.buf, c.at), EventRecord.idLeast(c.buf, c.at)), p);
    }
    return ids;
  }
}
