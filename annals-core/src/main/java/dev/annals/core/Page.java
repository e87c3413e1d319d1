package dev.annals.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a read.
 *
 * @param events the events, in the order read
 * @param next where reading continues: the first version/position not yet examined in the read's
 *     direction (forward: one past the last examined; backward: one before it, possibly 0)
 * @param end true when this read reached the end in its direction (the head, or the beginning), so
 *     there is no further page right now
 */
public record Page(List<RecordedEvent> events, long next, boolean end) {

  public Page {
    events = List.copyOf(events);
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** The {@code next} of the wire format: empty when this page reached the end. */
  public OptionalLong nextPage() {
    return end ? OptionalLong.empty() : OptionalLong.of(next);
  }
}
