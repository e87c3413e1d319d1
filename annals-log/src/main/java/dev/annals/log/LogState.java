package dev.annals.log;

import dev.annals.core.CommitNotifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What readers and the writer share: the segments, the indexes and the published head. The writer
 * thread is the only one that changes it, and it publishes a group only after the group's bytes are
 * written (and fsynced, with {@code fsync=always}); readers never look past {@link #head()}.
 * Thread-safe.
 */
final class LogState {

  final Path dir;
  final LogOptions options;
  final StreamIndex streams;
  final TimeIndex time;
  final CommitNotifier notifier;
  private volatile Segment[] segments;
  private volatile long head;

  LogState(Path dir, LogOptions options, List<Segment> segments, StreamIndex streams, TimeIndex time, long head) {
    this.dir = dir;
    this.options = options;
    this.segments = segments.toArray(Segment[]::new);
    this.streams = streams;
    this.time = time;
    this.head = head;
    this.notifier = new CommitNotifier(head);
  }

  long head() {
    return head;
  }

  /** Writer only: publishes a new head (after its events are readable) and wakes subscriptions. */
  void publishHead(long newHead) {
    head = newHead;
    notifier.advance(newHead);
  }

  List<Segment> segments() {
    return List.of(segments);
  }

  Segment active() {
    Segment[] s = segments;
    return s[s.length - 1];
  }

  /** Writer only. */
  void addSegment(Segment s) {
    Segment[] old = segments;
    Segment[] n = Arrays.copyOf(old, old.length + 1);
    n[old.length] = s;
    segments = n;
  }

  /** The segment holding {@code position} (which must be between 1 and the head). */
  Segment segmentFor(long position) {
    Segment[] s = segments;
    int lo = 0;
    int hi = s.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (s[mid].basePosition <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return s[lo];
  }

  /** A cursor over the published part of a segment. */
  RecordCursor cursor(Segment segment, int window) {
    return new RecordCursor(segment.reader, segment.end(), window);
  }

  /** Reads published records by position through per-segment cursors. Not thread-safe: one per read. */
  final class Reader {
    private final int window;
    private @Nullable Segment segment;
    private @Nullable RecordCursor cursor;

    Reader(int window) {
      this.window = window;
    }

    /** Loads the record at a published position; returns the cursor that holds it. */
    RecordCursor load(long position, boolean backward) {
      Segment s = segmentFor(position);
      RecordCursor c = cursor;
      if (s != segment || c == null || s.offsetOf(position) + EventRecord.FRAME_HEADER > c.fileEnd()) {
        segment = s;
        c = cursor(s, window);
        cursor = c;
      }
      try {
        int r = c.load(s.offsetOf(position), backward);
        if (r < 0) {
          throw new CorruptLogException(s.file, s.offsetOf(position), "the record of position " + position
              + " no longer reads back: " + EventRecord.Check.describe(r), false);
        }
        return c;
      } catch (IOException e) {
        throw new UncheckedIOException("reading position " + position + " from " + s.file, e);
      }
    }
  }
}
