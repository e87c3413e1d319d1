package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class PartitionedRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void concurrent_partitions_never_checkpoint_past_an_unprocessed_event() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      // Handlers of some streams are slow, so partitions finish out of order.
      Projection<MemoryTables> p = Projection.<MemoryTables>named("seen", 1)
          .tables("applied")
          .onAny((db, e) -> {
            if (e.stream().hashCode() % 3 == 0) {
              LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(20_000));
            }
            db.put("applied", e.position(), e.stream());
          })
          .build();
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = Thread.ofPlatform().start(() -> {
        Ledger.fill(store, 7, 6000, 40);
        writing.set(false);
      });
      List<String> violations = new ArrayList<>();
      int checks = 0;
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withPartitions(4).withMaxBatch(50))) {
        MemoryTarget.View view = target.view(p.id()).orElseThrow();
        while (writing.get() || !runner.isCaughtUp()) {
          // Read the checkpoints first, then the model: every position at or below them must be there.
          long inMemory = runner.status().position();
          long stored = view.position();
          Set<Object> applied = view.rows("applied").keySet();
          for (long pos = 1; pos <= Math.max(inMemory, stored); pos++) {
            if (!applied.contains(pos)) {
              violations.add("checkpoint " + inMemory + "/" + stored + " passed unprocessed " + pos);
              break;
            }
          }
          checks++;
        }
        writer.join();
        assertThat(runner.awaitPosition(store.headPosition(), WAIT)).isTrue();
        assertThat(view.rows("applied")).hasSize((int) store.headPosition());
      }
      assertThat(violations).isEmpty();
      assertThat(checks).isPositive();
    }
  }

  @Test
  void partitions_keep_the_order_of_each_stream() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Map<String, Long> lastVersion = new ConcurrentHashMap<>();
      List<String> outOfOrder = new ArrayList<>();
      Projection<MemoryTables> p = Projection.<MemoryTables>named("order", 1)
          .onAny((db, e) -> {
            Long prev = lastVersion.put(e.stream(), e.version());
            if (prev != null && prev + 1 != e.version()) {
              synchronized (outOfOrder) {
                outOfOrder.add(e.stream() + " v" + e.version() + " after v" + prev);
              }
            }
          })
          .build();
      Ledger.fill(store, 11, 5000, 30);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withPartitions(3).withMaxBatch(64))) {
        assertThat(runner.awaitPosition(store.headPosition(), WAIT)).isTrue();
        assertThat(runner.status().partitions()).isEqualTo(3);
      }
      assertThat(outOfOrder).isEmpty();
      assertThat(lastVersion).hasSize(30);
    }
  }

  @Test
  void a_restarted_partitioned_runner_applies_each_event_once() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Ledger.fill(store, 3, 3000, 25);
      Projection<MemoryTables> p = Ledger.memory(2);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withPartitions(4).withMaxBatch(20))) {
        assertThat(runner.awaitPosition(1500, WAIT)).isTrue();
      }
      Ledger.fill(store, 4, 2000, 25);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withPartitions(4))) {
        assertThat(runner.awaitPosition(store.headPosition(), WAIT)).isTrue();
        assertThat(runner.parked()).isEmpty();
      }
      List<RecordedEvent> all = Ledger.all(store);
      MemoryTarget.View view = target.live("ledger").orElseThrow();
      assertThat(Ledger.memoryBalances(view)).isEqualTo(Ledger.fold(all, 2));
      assertThat(view.rows("applied")).hasSize(all.size());
    }
  }
}
