package dev.annals.examples.bank.seed;

import dev.annals.core.EventStore;
import dev.annals.core.ImportEvent;
import java.util.List;

/**
 * A generated history: its events in recorded order (each with its original {@code recordedAt}) and
 * the demo's facts about it.
 */
public record SeededHistory(List<ImportEvent> events, DemoFacts facts) {

  public SeededHistory {
    events = List.copyOf(events);
  }

  /**
   * Writes the events through {@link EventStore#importEvents} in chunks of {@code chunkSize}. The store's
   * last {@code recordedAt} must not be after the history's first (use a fresh store).
   *
   * @return the position of the last event written
   */
  public long importInto(EventStore store, int chunkSize) {
    long last = store.headPosition();
    for (int from = 0; from < events.size(); from += chunkSize) {
      last = store.importEvents(events.subList(from, Math.min(events.size(), from + chunkSize))).lastPosition();
    }
    return last;
  }
}
