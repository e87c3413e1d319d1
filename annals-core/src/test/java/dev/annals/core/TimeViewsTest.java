package dev.annals.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeViewsTest {

  private static final Instant DAY1 = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-03-02T00:00:00Z");
  private static final Instant DAY3 = Instant.parse("2026-03-03T00:00:00Z");

  private static RecordedEvent e(long version, Instant recorded, Instant effective, String metadata) {
    return new RecordedEvent(UUID.nameUUIDFromBytes(("e" + version).getBytes()), "acct-1", version, version, "T",
        Json.of("{}"), Json.of(metadata), recorded, effective);
  }

  @Test
  void known_at_keeps_events_recorded_by_t_in_version_order() {
    List<RecordedEvent> s = List.of(e(1, DAY1, DAY1, "{}"), e(2, DAY2, DAY1, "{}"), e(3, DAY3, DAY1, "{}"));
    assertThat(TimeViews.knownAt(s, DAY2)).extracting(RecordedEvent::version).containsExactly(1L, 2L);
  }

  @Test
  void a_known_at_page_that_ends_at_the_last_known_event_says_it_is_the_end() {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      store.importEvents(List.of(new ImportEvent("acct-1", event(), DAY1), new ImportEvent("acct-1", event(), DAY2),
          new ImportEvent("acct-1", event(), DAY3)));
      Page exact = TimeViews.knownAt(store, "acct-1", DAY2, Direction.FORWARD, 1, 2);
      assertThat(exact.events()).extracting(RecordedEvent::version).containsExactly(1L, 2L);
      assertThat(exact.end()).as("version 3 is not known at DAY2").isTrue();
      Page first = TimeViews.knownAt(store, "acct-1", DAY2, Direction.FORWARD, 1, 1);
      assertThat(first.end()).isFalse();
      assertThat(first.next()).isEqualTo(2);
      Page all = TimeViews.knownAt(store, "acct-1", DAY3, Direction.FORWARD, 1, 2);
      assertThat(all.end()).isFalse();
      Page backward = TimeViews.knownAt(store, "acct-1", DAY2, Direction.BACKWARD, store.streamVersion("acct-1"), 2);
      assertThat(backward.events()).extracting(RecordedEvent::version).containsExactly(2L, 1L);
      assertThat(backward.end()).isTrue();
    }
  }

  private static EventData event() {
    return new EventData(UUID.randomUUID(), "T", Json.of("{}"), Json.EMPTY_OBJECT, java.util.Optional.empty());
  }

  @Test
  void valid_at_orders_by_effective_time_and_drops_events_revoked_by_what_is_known() {
    RecordedEvent fee = e(1, DAY1, DAY1, "{}");
    RecordedEvent deposit = e(2, DAY1, DAY1, "{}");
    RecordedEvent lateDeposit = e(3, DAY2, Instant.parse("2026-02-28T00:00:00Z"), "{}");
    RecordedEvent correction = e(4, DAY3, DAY1, "{\"revokes\":[\"" + fee.id() + "\"]}");
    List<RecordedEvent> s = List.of(fee, deposit, lateDeposit, correction);
    assertThat(TimeViews.validAt(s, DAY1, DAY3)).extracting(RecordedEvent::version).containsExactly(3L, 2L, 4L);
    assertThat(TimeViews.validAt(s, DAY1, DAY2)).extracting(RecordedEvent::version).containsExactly(3L, 1L, 2L);
    assertThat(TimeViews.validAt(s, Instant.parse("2026-02-28T12:00:00Z"), DAY3))
        .extracting(RecordedEvent::version).containsExactly(3L);
  }

  @Test
  void only_a_top_level_revokes_array_revokes() {
    UUID a = UUID.randomUUID();
    RecordedEvent nested = e(1, DAY1, DAY1, "{\"x\":{\"revokes\":[\"" + UUID.randomUUID() + "\"]}}");
    RecordedEvent top = e(2, DAY1, DAY1, "{\"revokes\":[\"" + a + "\"]}");
    assertThat(TimeViews.revokedBy(nested)).isEmpty();
    assertThat(TimeViews.revokedBy(top)).containsExactly(a);
    assertThat(TimeViews.revokedBy(e(3, DAY1, DAY1, "{}"))).isEmpty();
  }
}
