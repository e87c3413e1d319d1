package dev.annals.log;

import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The idempotency window of {@code any} appends: the last N events by id, also after a reopen. */
class IdWindowTest {

  @Test
  void the_window_remembers_exactly_the_last_n_ids_in_order_of_position() {
    IdWindow w = new IdWindow(100);
    List<UUID> ids = new ArrayList<>();
    for (int p = 1; p <= 1000; p++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      w.add(id, p);
    }
    assertThat(w.size()).isEqualTo(100);
    for (int p = 1; p <= 1000; p++) {
      assertThat(w.get(ids.get(p - 1))).isEqualTo(p > 900 ? p : 0);
    }
  }

  @Test
  void an_any_retry_inside_the_window_is_answered_and_outside_it_is_a_new_append_even_after_reopen() {
    var dir = TestStores.freshDir();
    LogOptions options = LogOptions.defaults().withIdempotencyWindow(10);
    List<EventData> old = events(2);
    List<EventData> recent = events(2);
    AppendResult recentResult;
    try (LogEventStore s = Annals.open(dir, options)) {
      s.append("w-1", ExpectedVersion.ANY, old);
      for (int i = 0; i < 10; i++) {
        s.append("w-2", ExpectedVersion.ANY, events(1));
      }
      recentResult = s.append("w-1", ExpectedVersion.ANY, recent);
    }
    try (LogEventStore s = Annals.open(dir, options)) {
      assertThat(s.append("w-1", ExpectedVersion.ANY, recent)).isEqualTo(recentResult);
      assertThat(s.headPosition()).isEqualTo(14);
      AppendResult again = s.append("w-1", ExpectedVersion.ANY, old);
      assertThat(again.firstPosition()).as("outside the window: written again").isEqualTo(15);
      // an exact expected version recognises a retry by place, whatever the window
      assertThat(s.append("w-1", ExpectedVersion.NO_STREAM, old).firstPosition()).isEqualTo(1);
    }
  }
}
