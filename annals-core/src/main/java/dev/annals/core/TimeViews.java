package dev.annals.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The event lists behind design §4's time questions, as pure functions over a stream's events in
 * version order: what was known at T, and what was in effect at V as known at T.
 */
public final class TimeViews {

  private TimeViews() {}

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
    List<RecordedEvent> known = knownAt(stream, t);
    Set<String> revoked = new HashSet<>();
    for (RecordedEvent e : known) {
      JsonNode revokes = e.metadata().size() > 2 ? e.metadata().toNode().get(Metadata.REVOKES) : null;
      if (revokes != null && revokes.isArray()) {
        revokes.forEach(id -> revoked.add(id.asText().toLowerCase(Locale.ROOT)));
      }
    }
    return known.stream()
        .filter(e -> !e.effectiveAt().isAfter(v))
        .filter(e -> !revoked.contains(e.id().toString()))
        .sorted(Comparator.comparing(RecordedEvent::effectiveAt).thenComparingLong(RecordedEvent::version))
        .toList();
  }
}
