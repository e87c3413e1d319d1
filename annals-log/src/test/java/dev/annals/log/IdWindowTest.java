package dev.annals.log;

import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.IdempotencyConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
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

  /**
   * Against a model (the last {@code capacity} positions and the ids at them): ids drawn from a small
   * pool, so they collide in the table, get reused by later positions and fall out of the window while
   * a later copy is still in it; the table grows and deletes shift clusters back the whole way.
   */
  @Property(tries = 300)
  void the_window_answers_every_id_as_a_model_of_the_last_n_positions_does(
      @ForAll @IntRange(min = 1, max = 300) int capacity,
      @ForAll @Size(min = 1, max = 2000) List<@IntRange(min = 0, max = 400) Integer> draws) {
    IdWindow w = new IdWindow(capacity);
    List<UUID> pool = new ArrayList<>();
    for (int i = 0; i <= 400; i++) {
      // few distinct high halves: equal hashes in part, so clusters form
      pool.add(new UUID(i % 7, i * 0x9E3779B97F4A7C15L));
    }
    List<UUID> byPosition = new ArrayList<>();
    for (int p = 1; p <= draws.size(); p++) {
      UUID id = pool.get(draws.get(p - 1));
      byPosition.add(id);
      w.add(id, p);
      if (p % 97 == 0 || p == draws.size()) {
        Map<UUID, Long> model = new HashMap<>();
        for (int q = Math.max(1, p - capacity + 1); q <= p; q++) {
          model.put(byPosition.get(q - 1), (long) q); // the latest position of each id in the window
        }
        for (UUID each : pool) {
          assertThat(w.get(each)).as("id %s after position %d", each, p).isEqualTo(model.getOrDefault(each, 0L));
        }
        assertThat(w.size()).isEqualTo(model.size());
      }
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

  /**
   * An exact retry of a batch whose first events have left the window but whose later ones have not is
   * answered with the first result (found by the place its later event gives), not refused as a mix of
   * new and written ids; a batch of new ids that only shares a later id is still a conflict.
   */
  @Test
  void an_any_retry_of_a_batch_straddling_the_window_edge_is_answered() {
    try (LogEventStore s = TestStores.open(LogOptions.defaults().withIdempotencyWindow(5))) {
      List<EventData> batch = events(3);
      AppendResult first = s.append("w-1", ExpectedVersion.ANY, batch);
      s.append("w-2", ExpectedVersion.ANY, events(3)); // positions 4..6: position 1 leaves the window
      assertThat(s.append("w-1", ExpectedVersion.ANY, batch)).isEqualTo(first);
      assertThat(s.headPosition()).isEqualTo(6);
      List<EventData> mixed = new ArrayList<>(events(2));
      mixed.add(batch.get(2));
      assertThatThrownBy(() -> s.append("w-1", ExpectedVersion.ANY, mixed))
          .isInstanceOf(IdempotencyConflictException.class).hasMessageContaining("earlier events of this append were not");
      assertThat(s.headPosition()).isEqualTo(6);
    }
  }
}
