package dev.annals.log;

import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The log's reads over what the writer has published ({@link LogState}): streams through the stream index,
 * the global log through the segment offsets, time through the time index. No locks; arguments are checked
 * by the caller. Thread-safe.
 */
final class LogReads {

  private final LogState state;

  LogReads(LogState state) {
    this.state = state;
  }

  Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    Optional<StreamIndex.Entry> found = state.streams.get(stream);
    long size = found.map(StreamIndex.Entry::version).orElse(0L);
    List<RecordedEvent> out = new ArrayList<>(Math.min(limit, 256));
    LogState.Reader reader = state.new Reader(size > 64 ? LogEventStore.READ_WINDOW / 4 : LogEventStore.POINT_WINDOW);
    EventRecord.Names names = new EventRecord.Names();
    if (direction == Direction.FORWARD) {
      long v = Math.max(1, fromVersion);
      while (v <= size && out.size() < limit) {
        out.add(decodeAt(reader, found.get().positions.get((int) (v - 1)), stream, false, names));
        v++;
      }
      return new Page(out, v, v > size);
    }
    long v = Math.min(fromVersion, size);
    while (v >= 1 && out.size() < limit) {
      out.add(decodeAt(reader, found.get().positions.get((int) (v - 1)), stream, true, names));
      v--;
    }
    return new Page(out, Math.max(v, 0), v < 1);
  }

  private static RecordedEvent decodeAt(LogState.Reader reader, long position, String stream, boolean backward,
      EventRecord.Names names) {
    RecordCursor c = reader.load(position, backward);
    return EventRecord.decode(c.buf, c.at, stream, names);
  }

  Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    long head = state.head();
    List<RecordedEvent> out = new ArrayList<>(Math.min(limit, 1024));
    EventRecord.Names names = new EventRecord.Names();
    if (direction == Direction.BACKWARD) {
      long p = Math.min(fromPosition, head);
      LogState.Reader reader = state.new Reader(LogEventStore.POINT_WINDOW * 4);
      while (p >= 1 && out.size() < limit) {
        RecordCursor c = reader.load(p, true);
        if (matches(filter, c.buf, c.at)) {
          out.add(EventRecord.decode(c.buf, c.at, "", names));
        }
        p--;
      }
      return new Page(out, Math.max(p, 0), p < 1);
    }
    long p = Math.max(1, fromPosition);
    try {
      while (p <= head && out.size() < limit) {
        Segment seg = state.segmentFor(p);
        long last = Math.min(head, seg.lastPosition());
        long offset = seg.offsetOf(p);
        // read exactly the bytes of the page when it is all in this segment (filtered reads refill)
        long pageEnd = Math.min(last, p + limit - 1);
        long spanEnd = pageEnd < last ? seg.offsetOf(pageEnd + 1) : seg.end();
        int window = (int) Math.min(LogEventStore.READ_WINDOW, Math.max(4096, spanEnd - offset));
        RecordCursor cursor = state.cursor(seg, window);
        while (p <= last && out.size() < limit) {
          int size = cursor.load(offset);
          if (size < 0) {
            throw new CorruptLogException(seg.file, offset, "the record of position " + p + " no longer reads back: "
                + EventRecord.Check.describe(size), false);
          }
          if (matches(filter, cursor.buf, cursor.at)) {
            out.add(EventRecord.decode(cursor.buf, cursor.at, "", names));
          }
          offset += size;
          p++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the log at position " + p, e);
    }
    return new Page(out, p, p > head);
  }

  private static boolean matches(Filter filter, ByteBuffer buf, int at) {
    if (filter.isAll()) {
      return filter.includeSystem() || buf.get(at + EventRecord.VARIABLE) != '$';
    }
    return filter.matches(EventRecord.stream(buf, at), EventRecord.type(buf, at));
  }

  /** The first position whose recordedAt is at or after {@code micros}; head + 1 when none is. */
  long firstRecordedAtOrAfter(long micros) {
    long head = state.head();
    if (head == 0) {
      return 1;
    }
    TimeIndex time = state.time;
    int samples = (int) Math.min(time.samples.size(), (head - 1) / TimeIndex.STRIDE + 1);
    int lo = 0;
    int hi = samples;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (time.samples.get(mid) < micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) {
      return 1;
    }
    long from = TimeIndex.positionOfSample(lo - 1) + 1;
    long to = lo < samples ? TimeIndex.positionOfSample(lo) : head + 1;
    LogState.Reader reader = state.new Reader(LogEventStore.POINT_WINDOW);
    while (from < to) {
      long mid = (from + to) >>> 1;
      RecordCursor c = reader.load(mid, false);
      if (EventRecord.recordedAtMicros(c.buf, c.at) < micros) {
        from = mid + 1;
      } else {
        to = mid;
      }
    }
    return from;
  }

  /** From the stream index: reads only the last record of each listed stream (for its time). */
  List<StreamInfo> listStreams(StreamQuery query, int limit) {
    List<StreamIndex.Entry> matching = new ArrayList<>();
    for (StreamIndex.Entry e : state.streams.entries()) {
      if (e.version() > 0 && query.matches(e.name)) {
        matching.add(e);
      }
    }
    matching.sort(Comparator.comparing((StreamIndex.Entry e) -> e.name));
    LogState.Reader reader = state.new Reader(LogEventStore.POINT_WINDOW);
    List<StreamInfo> out = new ArrayList<>(Math.min(limit, matching.size()));
    for (StreamIndex.Entry e : matching.subList(0, Math.min(limit, matching.size()))) {
      int version = (int) e.version();
      long position = e.positions.get(version - 1);
      RecordCursor c = reader.load(position, false);
      out.add(new StreamInfo(e.name, version, position, EventRecord.micros(EventRecord.recordedAtMicros(c.buf, c.at))));
    }
    return out;
  }
}
