package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import java.time.Clock;
import java.time.Duration;

/** Measures lag: positions behind the head, and the age of the oldest unprocessed event. */
final class Lag {

  private Lag() {}

  static Duration age(EventStore store, Filter filter, long position, long head, Clock clock) {
    if (head <= position) {
      return Duration.ZERO;
    }
    Page next = store.readAll(position + 1, Direction.FORWARD, 1, filter);
    if (next.isEmpty()) {
      return Duration.ZERO;
    }
    Duration age = Duration.between(next.events().get(0).recordedAt(), clock.instant());
    return age.isNegative() ? Duration.ZERO : age;
  }
}
