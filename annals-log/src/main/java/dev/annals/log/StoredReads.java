package dev.annals.log;

import dev.annals.core.StoredEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads published records as {@link StoredEvent}s (with their stored chain hash, append framing and imported
 * flag), forward from a position: what an exporter reads from a live store. Sequential reads through a
 * segment cursor, like a forward {@code readAll}.
 */
final class StoredReads {

  private StoredReads() {
  }

  static List<StoredEvent> read(LogState state, long fromPosition, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    long head = state.head();
    long p = Math.max(1, fromPosition);
    List<StoredEvent> out = new ArrayList<>((int) Math.max(0, Math.min(limit, head - p + 1)));
    EventRecord.Names names = new EventRecord.Names();
    try {
      while (p <= head && out.size() < limit) {
        Segment seg = state.segmentFor(p);
        long segLast = Math.min(head, seg.lastPosition());
        long last = Math.min(segLast, p + (limit - out.size()) - 1);
        long offset = seg.offsetOf(p);
        long spanEnd = last < segLast ? seg.offsetOf(last + 1) : seg.end();
        int window = (int) Math.min(LogEventStore.READ_WINDOW, Math.max(4096, spanEnd - offset));
        RecordCursor cursor = state.cursor(seg, window);
        while (p <= last) {
          int size = cursor.load(offset);
          if (size < 0) {
            throw new CorruptLogException(seg.file, offset, "the record of position " + p + " no longer reads back: "
                + EventRecord.Check.describe(size), false);
          }
          out.add(LogEventSource.stored(cursor.buf, cursor.at, names));
          offset += size;
          p++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the log at position " + p, e);
    }
    return out;
  }
}
