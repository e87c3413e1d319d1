package dev.annals.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's idempotency window at its edge: an exact retry of a batch whose first events
 * have left the window but whose later ones have not is answered (found by the place its later event
 * gives), and a batch of new ids sharing only a later id is still a conflict. The embedded log has the
 * same case in its IdWindowTest.
 */
class IdempotencyWindowTest {

  private static List<EventData> events(int n) {
    List<EventData> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new EventData(UUID.randomUUID(), "T", Json.of("{\"i\":" + i + "}"), Json.EMPTY_OBJECT,
          java.util.Optional.empty()));
    }
    return out;
  }

  @Test
  void a_retry_of_a_batch_straddling_the_window_edge_is_answered() {
    try (InMemoryEventStore s = new InMemoryEventStore(Clock.systemUTC(), Limits.defaults(), 5)) {
      List<EventData> batch = events(3);
      AppendResult first = s.append("w-1", ExpectedVersion.ANY, batch);
      s.append("w-2", ExpectedVersion.ANY, events(3));
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
