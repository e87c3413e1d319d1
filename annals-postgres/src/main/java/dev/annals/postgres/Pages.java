package dev.annals.postgres;

import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where a page read with LIMIT leaves off, with the in-memory engine's semantics: {@code next} is the
 * first version/position not yet examined in the read's direction, {@code end} whether that passes the
 * end. A page that came back full stops right after its last event; a page that came back short examined
 * everything up to the end of its snapshot. Stateless.
 */
final class Pages {

  private Pages() {}

  /**
   * @param from the first key examined (at least 1)
   * @param last the end of the snapshot read: the head, or the stream's last version
   */
  static Page forward(List<RecordedEvent> events, long from, int limit, long last, ToLongFunction<RecordedEvent> key) {
    long next = events.size() == limit ? key.applyAsLong(events.getLast()) + 1 : Math.max(from, last + 1);
    return new Page(events, next, next > last);
  }

  static Page backward(List<RecordedEvent> events, int limit, ToLongFunction<RecordedEvent> key) {
    long next = events.size() == limit ? key.applyAsLong(events.getLast()) - 1 : 0;
    return new Page(events, next, next < 1);
  }
}
