package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projections that apply a whole unit of work at once ({@code onBatch}). */
class BatchProjectionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Per account: deposits counted, one upsert per account per batch; the batch sizes it saw. */
  private static Projection<JdbcSession> counts(List<Integer> batchSizes, AtomicBoolean poisonFails) {
    return Projection.<JdbcSession>named("counts", 1)
        .tables("counts")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {counts} (account VARCHAR(64) PRIMARY KEY, n BIGINT NOT NULL)"))
        .onBatch((db, events) -> {
          batchSizes.add(events.size());
          Map<String, Integer> perAccount = new HashMap<>();
          for (RecordedEvent e : events) {
            if (poisonFails.get() && e.data().toString().contains("poison")) {
              throw new IllegalStateException("cannot handle poison");
            }
            perAccount.merge(e.stream(), 1, Integer::sum);
          }
          for (Map.Entry<String, Integer> a : perAccount.entrySet()) {
            db.update("INSERT INTO {counts} (account, n) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET n = {counts}.n + excluded.n",
                a.getKey(), a.getValue());
          }
        })
        .build();
  }

  private static long count(JdbcTarget target, String account) throws Exception {
    try (var c = target.openReader(); var ps = c.prepareStatement("SELECT n FROM counts WHERE account = ?")) {
      ps.setString(1, account);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Test
  void a_batched_projection_sees_whole_units_of_work_and_builds_the_same_model(@TempDir Path dir) throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      for (int i = 0; i < 1000; i++) {
        store.append("acc-" + (i % 7), ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1}"));
      }
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store,
          counts(sizes, new AtomicBoolean()), target, RunnerOptions.defaults().withMaxBatch(250))) {
        assertThat(runner.awaitPosition(1000, WAIT)).isTrue();
        for (int a = 0; a < 7; a++) {
          assertThat(count(target, "acc-" + a)).isEqualTo(1000 / 7 + (a < 1000 % 7 ? 1 : 0));
        }
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
        assertThat(sizes).allSatisfy(s -> assertThat(s).isBetween(1, 250));
        assertThat(sizes).as("units of work hold many events").anySatisfy(s -> assertThat(s).isGreaterThan(1));
        assertThat(runner.status().applied()).isEqualTo(1000);
      }
    }
  }

  @Test
  void a_failing_batch_is_split_to_find_the_poison_event_which_is_parked_and_every_other_event_applied_once(
      @TempDir Path dir) throws Exception {
    AtomicBoolean poisonFails = new AtomicBoolean(true);
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      List<EventData> first = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        first.add(EventData.of("Deposited", "{\"amount\":1}"));
      }
      store.append("acc-1", ExpectedVersion.ANY, first);
      store.append("acc-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1,\"poison\":true}"));
      store.append("acc-2", ExpectedVersion.ANY, first.stream().map(e -> EventData.of(e.type(), "{\"amount\":1}")).toList());
      FailurePolicy park = new FailurePolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), FailurePolicy.Exhausted.PARK);
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store,
          counts(new CopyOnWriteArrayList<>(), poisonFails), target, RunnerOptions.defaults().withFailurePolicy(park))) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        assertThat(count(target, "acc-1")).isEqualTo(10);
        assertThat(count(target, "acc-2")).isEqualTo(10);
        assertThat(runner.parked()).singleElement().satisfies(p -> {
          assertThat(p.position()).isEqualTo(11);
          assertThat(p.error()).contains("cannot handle poison");
        });
        poisonFails.set(false);
        runner.replayParked(11);
        assertThat(count(target, "acc-1")).isEqualTo(11);
        assertThat(runner.parked()).isEmpty();
      }
    }
  }

  @Test
  void a_projection_is_batched_or_per_event_not_both() {
    assertThatThrownBy(() -> Projection.<MemoryTables>named("x", 1).onBatch((db, es) -> {}).on("T", (db, e) -> {}).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one or the other");
  }
}
