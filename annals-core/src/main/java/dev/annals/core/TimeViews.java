package dev.annals.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The event lists behind the time questions of docs/time.md, in one place for every reader (server, CLI,
 * temporal queries): what was known at T, and what was in effect at V as known at T.
 */
public final class TimeViews {

  /** The fold order of a valid-at view: ({@code effectiveAt}, version). */
  public static final Comparator<RecordedEvent> EFFECTIVE_ORDER =
      Comparator.comparing(RecordedEvent::effectiveAt).thenComparingLong(RecordedEvent::version);

  private static final byte[] REVOKES_KEY = ("\"" + Metadata.REVOKES + "\"").getBytes(StandardCharsets.UTF_8);

  private TimeViews() {}

  /** Events read per call while a paged view scans a stream. */
  private static final int SCAN_PAGE = 1000;

  /**
   * The first position recorded after {@code t} ({@code recordedAt} never decreases along the log, so
   * the events known at {@code t} are exactly those before it). Asked of the store rather than read off
   * each event's recordedAt, because {@link EventStore#positionAt} is where a store makes a past answer
   * final: an event stamped before {@code t} may not be readable yet when the view is read.
   */
  private static long cutAfter(EventStore store, Instant t) {
    return t.equals(Instant.MAX) ? Long.MAX_VALUE : store.positionAt(t.plusNanos(1));
  }

  /**
   * One page of the known-at view of {@code stream} in {@code store}: the events recorded by {@code t},
   * in version order, from version {@code from} in {@code direction} (at most {@code limit}).
   * {@code recordedAt} never decreases along the log, so going forward the first event recorded after
   * {@code t} ends the view; the stream is read page by page, never whole.
   */
  public static Page knownAt(EventStore store, String stream, Instant t, Direction direction, long from, int limit) {
    List<RecordedEvent> out = new ArrayList<>();
    long cut = cutAfter(store, t);
    long cursor = from;
    while (true) {
      Page p = store.readStream(stream, cursor, direction, Math.min(SCAN_PAGE, Math.max(limit, 1)));
      for (RecordedEvent e : p.events()) {
        boolean known = e.position() < cut;
        if (!known && direction == Direction.FORWARD) {
          return new Page(out, e.version(), true);
        }
        if (known) {
          out.add(e);
          if (out.size() == limit) {
            long after = direction == Direction.FORWARD ? e.version() + 1 : e.version() - 1;
            // backward, every earlier version is known too; forward, only if the next one is before the cut
            boolean more = direction == Direction.FORWARD ? knownAfter(store, stream, p, e, cut) : after >= 1;
            return new Page(out, after, !more);
          }
        }
      }
      if (p.end()) {
        return new Page(out, p.next(), true);
      }
      cursor = p.next();
    }
  }

  /** Whether the stream's event after {@code e} (of page {@code p}, read forward) is known at the cut. */
  private static boolean knownAfter(EventStore store, String stream, Page p, RecordedEvent e, long cut) {
    int i = p.events().indexOf(e);
    if (i + 1 < p.events().size()) {
      return p.events().get(i + 1).position() < cut;
    }
    if (p.end()) {
      return false;
    }
    List<RecordedEvent> next = store.readStream(stream, e.version() + 1, Direction.FORWARD, 1).events();
    return !next.isEmpty() && next.getFirst().position() < cut;
  }

  /**
   * One page of the valid-at view of {@code stream} in {@code store} ({@link #validAt(List, Instant,
   * Instant)}): it needs the whole stream up to {@code t}, so the stream is read page by page and only
   * the selection is held in memory. {@code from} is the 1-based place in the view's order (in
   * {@code direction}), and the page's {@code next} continues from there.
   */
  public static Page validAt(EventStore store, String stream, Instant v, Instant t, Direction direction, long from,
      int limit) {
    ValidAt view = new ValidAt(v);
    long cut = cutAfter(store, t);
    long cursor = 1;
    scan:
    while (true) {
      Page p = store.readStream(stream, cursor, Direction.FORWARD, SCAN_PAGE);
      for (RecordedEvent e : p.events()) {
        if (e.position() >= cut) {
          break scan;
        }
        view.add(e);
      }
      if (p.end()) {
        break;
      }
      cursor = p.next();
    }
    List<RecordedEvent> selected = new ArrayList<>(view.events());
    if (direction == Direction.BACKWARD) {
      java.util.Collections.reverse(selected);
    }
    int start = (int) Math.min(Math.max(from, 1) - 1, selected.size());
    int end = (int) Math.min((long) start + limit, selected.size());
    return new Page(selected.subList(start, end), end + 1L, end >= selected.size());
  }

  /** The events recorded at or before {@code t}, in version order. */
  public static List<RecordedEvent> knownAt(List<RecordedEvent> stream, Instant t) {
    return stream.stream().filter(e -> !e.recordedAt().isAfter(t)).toList();
  }

  /**
   * The events in effect at {@code v} as known at {@code t}: recorded by {@code t}, effective by
   * {@code v}, not revoked (metadata {@code revokes}) by an event recorded by {@code t}; ordered by
   * ({@code effectiveAt}, version).
   */
  public static List<RecordedEvent> validAt(List<RecordedEvent> stream, Instant v, Instant t) {
    ValidAt view = new ValidAt(v);
    knownAt(stream, t).forEach(view::add);
    return view.events();
  }

  /** The ids an event revokes (metadata {@code revokes}); empty for most events, found without parsing. */
  public static Set<UUID> revokedBy(RecordedEvent e) {
    byte[] m = e.metadata().unsafeBytes();
    if (m.length <= 2 || !contains(m, REVOKES_KEY)) {
      return Set.of();
    }
    JsonNode revokes = e.metadata().toNode().get(Metadata.REVOKES);
    if (revokes == null || !revokes.isArray()) {
      return Set.of();
    }
    Set<UUID> ids = new HashSet<>();
    for (JsonNode id : revokes) {
      try {
        ids.add(UUID.fromString(id.asText()));
      } catch (IllegalArgumentException notAnId) {
        // the store's validation rejects these on append; a foreign engine's data is read, not trusted
      }
    }
    return ids;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * A valid-at view built incrementally from a stream read in version order, so a reader holds only
   * the events effective by V, not the whole stream. The caller feeds exactly the events known at its
   * T (it knows how to stop: by time or by position). Not thread-safe.
   */
  public static final class ValidAt {
    private final Instant v;
    private final List<RecordedEvent> effective = new ArrayList<>();
    private final Set<UUID> revoked = new HashSet<>();

    public ValidAt(Instant v) {
      this.v = v;
    }

    /** Takes the next known event (in version order). */
    public void add(RecordedEvent e) {
      revoked.addAll(revokedBy(e));
      if (!e.effectiveAt().isAfter(v)) {
        effective.add(e);
      }
    }

    /** The view: effective by V, minus revoked events, in ({@code effectiveAt}, version) order. */
    public List<RecordedEvent> events() {
      List<RecordedEvent> out = new ArrayList<>(effective);
      if (!revoked.isEmpty()) {
        out.removeIf(e -> revoked.contains(e.id()));
      }
      out.sort(EFFECTIVE_ORDER);
      return out;
    }
  }
}
