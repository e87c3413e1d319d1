package dev.annals.log;

import dev.annals.core.CopyRefusedException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every record of a closed data directory, in position order, as {@link StoredEvent}s: the log's read
 * side of a copy between engines. Holds the directory's lock from {@link #open} to {@link #close}, so no
 * store appends meanwhile; reads through the same scanner as recovery and verify (every record's CRC,
 * layout and batch framing checked) and changes nothing, not even an unacknowledged torn tail: that, or
 * any damage, stops the reading with a {@link CopyRefusedException} naming the file and byte offset.
 * Not thread-safe.
 */
public final class LogEventSource implements StoredEventSource {

  private final Path dir;
  private final DataDirectory locked;

  private LogEventSource(Path dir, DataDirectory locked) {
    this.dir = dir;
    this.locked = locked;
  }

  /**
   * Takes the lock of the store in {@code dir} (which must hold one, and must not be open elsewhere) for
   * reading.
   */
  public static LogEventSource open(Path dir) {
    if (!Annals.holdsLog(dir)) {
      throw new StoreUnavailableException("no store in " + dir + ": it holds no segment file");
    }
    try {
      return new LogEventSource(dir, DataDirectory.lockForReading(dir));
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot open " + dir + ": " + e.getMessage(), e);
    }
  }

  /** From the directory's {@code store-id} file; empty when it has none. */
  @Override
  public java.util.Optional<java.util.UUID> storeId() {
    try {
      return StoreIdFile.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the store id in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "the data directory " + dir.toAbsolutePath().normalize();
  }

  @Override
  public long forEach(Consumer<StoredEvent> sink) {
    try {
      List<Long> bases = DataDirectory.segmentBases(dir);
      long events = 0;
      EventRecord.Names names = new EventRecord.Names();
      for (int i = 0; i < bases.size(); i++) {
        Path file = dir.resolve(Segment.fileName(bases.get(i)));
        boolean last = i == bases.size() - 1;
        if (last && Files.size(file) < Segment.HEADER) {
          break; // a segment file the writer never got to use; opening the store removes it
        }
        events += readSegment(file, last, names, sink);
      }
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private static long readSegment(Path file, boolean last, EventRecord.Names names, Consumer<StoredEvent> sink)
      throws IOException {
    long[] count = {0};
    try (SegmentScanner scanner = SegmentScanner.open(file, Segment.HEADER, last)) {
      SegmentScanner.Outcome outcome = scanner.scan((b, at, offset, size, framing) -> {
        if (!(framing instanceof SegmentScanner.InOrder)) {
          throw new CopyRefusedException(file + " at byte " + offset + ": the record breaks its append's framing;"
              + " run verify on the source");
        }
        sink.accept(stored(b, at, names));
        count[0]++;
      });
      switch (outcome) {
        case SegmentScanner.CleanEnd clean -> { }
        case SegmentScanner.Stopped stopped -> { }
        case SegmentScanner.TornTail torn -> throw new CopyRefusedException(file + " at byte " + torn.from()
            + ": the log ends in an unacknowledged torn tail (" + torn.why() + "); open the store once (which cuts"
            + " it) and copy again");
        case SegmentScanner.Damage damage -> throw new CopyRefusedException(file + " at byte " + damage.at() + ": "
            + damage.why() + "; run verify on the source");
      }
    }
    return count[0];
  }

  /** The record at {@code at} as a stored event. */
  static StoredEvent stored(ByteBuffer b, int at, EventRecord.Names names) {
    RecordedEvent event = EventRecord.decode(b, at, "", names);
    byte[] chain = new byte[EventRecord.HASH_BYTES];
    EventRecord.chainHash(b, at, chain);
    return new StoredEvent(event, EventRecord.batchSize(b, at), EventRecord.indexInBatch(b, at),
        EventRecord.imported(b, at), chain);
  }

  @Override
  public void close() {
    try {
      locked.close();
    } catch (IOException e) {
      throw new UncheckedIOException("releasing the lock of " + dir + " failed", e);
    }
  }
}
