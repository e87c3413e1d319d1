package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A category read walks one index entry per append (its first event) and every imported event, then
 * reads each append's further events by position. Here through the engine itself: imports spanning
 * streams of several categories, appends of up to 30 events, pages starting inside an append, with and
 * without types, both ways, all compared with the reference engine.
 */
@ExtendWith(TestPostgres.class)
class PgCategoryReadTest {

  private static final List<String> STREAMS = List.of("acct-1", "acct-2", "order-1", "acct-3", "order-2", "$meta-1");

  @Test
  void category_pages_match_the_reference_over_imports_and_long_appends() {
    try (PostgresEventStore pg = PostgresEventStore.open(PgStores.freshOptions());
        InMemoryEventStore memory = new InMemoryEventStore()) {
      Instant t = Instant.parse("2020-01-01T00:00:00Z");
      int n = 0;
      for (int round = 0; round < 3; round++) {
        List<ImportEvent> imported = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          imported.add(new ImportEvent(STREAMS.get((round + i) % STREAMS.size()), event(++n), t.plusSeconds(n)));
        }
        for (EventStore store : List.of(pg, memory)) {
          store.importEvents(imported);
        }
      }
      for (int round = 0; round < 4; round++) {
        for (int s = 0; s < STREAMS.size(); s++) {
          List<EventData> events = new ArrayList<>();
          for (int i = 0; i < 1 + (round * 7 + s * 5) % 30; i++) {
            events.add(event(++n));
          }
          for (EventStore store : List.of(pg, memory)) {
            store.append(STREAMS.get(s), ExpectedVersion.ANY, events);
          }
        }
      }
      long head = memory.headPosition();
      assertThat(pg.headPosition()).isEqualTo(head);
      int checked = 0;
      for (Filter filter : List.of(Filter.category("acct"), Filter.category("order").withTypes(Set.of("Even")),
          Filter.category("$meta").withSystem(), Filter.category("$meta"), Filter.category("acct").withPrefix("acct-2"),
          Filter.category("none"))) {
        for (Direction direction : Direction.values()) {
          for (long from = -1; from <= head + 2; from += 3) {
            for (int limit : List.of(1, 4, 1_000)) {
              Page expected = memory.readAll(from, direction, limit, filter);
              Page actual = pg.readAll(from, direction, limit, filter);
              String what = filter + " " + direction + " from " + from + " limit " + limit;
              assertThat(actual.events()).as(what).extracting(RecordedEvent::position)
                  .containsExactlyElementsOf(expected.events().stream().map(RecordedEvent::position).toList());
              for (int k = 0; k < expected.events().size(); k++) {
                assertThat(actual.events().get(k)).as(what + " #" + k).usingRecursiveComparison()
                    .ignoringFields("recordedAt", "effectiveAt") // two stores, two clocks
                    .isEqualTo(expected.events().get(k));
              }
              assertThat(actual.next()).as(what).isEqualTo(expected.next());
              assertThat(actual.end()).as(what).isEqualTo(expected.end());
              checked++;
            }
          }
        }
      }
      assertThat(checked).isGreaterThan(1_000);
    }
  }

  private static EventData event(int n) {
    return EventData.of(n % 2 == 0 ? "Even" : "Odd", "{\"n\":" + n + "}");
  }
}
