package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailurePolicyTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static FailurePolicy fast(FailurePolicy.Exhausted then) {
    return new FailurePolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), then);
  }

  /** Counts deposits per account; the event with {@code "poison": true} fails while {@code broken}. */
  private static Projection<MemoryTables> counting(AtomicBoolean broken, AtomicInteger poisonAttempts) {
    return Projection.<MemoryTables>named("counts", 1)
        .tables("counts")
        .onAny((db, e) -> {
          if (e.data().toString().contains("poison")) {
            poisonAttempts.incrementAndGet();
            if (broken.get()) {
              throw new IllegalStateException("cannot handle poison");
            }
          }
          db.put("counts", e.stream(), db.getOrDefault("counts", e.stream(), 0) + 1);
        })
        .build();
  }

  private static void appendWithPoisonInTheMiddle(InMemoryEventStore store) {
    for (int i = 0; i < 10; i++) {
      store.append("acc-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1}"));
    }
    store.append("acc-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1,\"poison\":true}"));
    for (int i = 0; i < 10; i++) {
      store.append("acc-2", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1}"));
    }
  }

  @Test
  void a_poison_event_is_retried_then_parked_and_the_projection_continues() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger attempts = new AtomicInteger();
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      appendWithPoisonInTheMiddle(store);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store,
          counting(broken, attempts), target, RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        MemoryTarget.View view = target.live("counts").orElseThrow();
        assertThat(view.<Integer>get("counts", "acc-1")).contains(10);
        assertThat(view.<Integer>get("counts", "acc-2")).contains(10);
        // One first try inside the batch, then the policy's 3 attempts alone.
        assertThat(attempts.get()).isEqualTo(4);
        assertThat(runner.parked()).singleElement().satisfies(p -> {
          assertThat(p.position()).isEqualTo(11);
          assertThat(p.stream()).isEqualTo("acc-1");
          assertThat(p.attempts()).isEqualTo(3);
          assertThat(p.error()).contains("cannot handle poison");
        });
        ProjectionStatus status = runner.status();
        assertThat(status.parked()).isEqualTo(1);
        assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("position 11"));
        assertThat(status.position()).isEqualTo(21);

        broken.set(false);
        runner.replayParked(11);
        assertThat(runner.parked()).isEmpty();
        assertThat(view.<Integer>get("counts", "acc-1")).contains(11);
      }
    }
  }

  @Test
  void a_replay_that_still_fails_keeps_the_event_parked() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      appendWithPoisonInTheMiddle(store);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store,
          counting(broken, new AtomicInteger()), target,
          RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        assertThatThrownBy(() -> runner.replayParked(11)).isInstanceOf(ProjectionFailedException.class)
            .hasMessageContaining("cannot handle poison");
        assertThat(runner.parked()).hasSize(1);
        assertThatThrownBy(() -> runner.replayParked(12)).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void with_the_stop_policy_a_poison_event_stops_the_projection_before_it() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger attempts = new AtomicInteger();
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      appendWithPoisonInTheMiddle(store);
      Projection<MemoryTables> p = counting(broken, attempts);
      RunnerOptions options = RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.STOP));
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target, options)) {
        assertThatThrownBy(() -> runner.awaitPosition(21, WAIT)).isInstanceOf(ProjectionFailedException.class)
            .hasMessageContaining("position 11");
        ProjectionStatus status = runner.status();
        assertThat(status.state()).isEqualTo(ProjectionState.FAILED);
        assertThat(status.position()).isEqualTo(10);
        assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("cannot handle poison"));
        assertThat(status.lagEvents()).isEqualTo(11);
        assertThat(target.live("counts").orElseThrow().<Integer>get("counts", "acc-2")).isEmpty();
        assertThat(runner.parked()).isEmpty();
      }
      // After the fix a new runner resumes at the poison event: nothing skipped, nothing twice.
      broken.set(false);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target, options)) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        MemoryTarget.View view = target.live("counts").orElseThrow();
        assertThat(view.<Integer>get("counts", "acc-1")).contains(11);
        assertThat(view.<Integer>get("counts", "acc-2")).contains(10);
        assertThat(runner.status().state()).isEqualTo(ProjectionState.RUNNING);
      }
    }
  }

  @Test
  void parked_events_of_a_jdbc_projection_survive_a_restart_and_replay_in_one_transaction(@TempDir Path dir)
      throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    Projection<JdbcSession> p = Projection.<JdbcSession>named("counts", 1)
        .tables("counts")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {counts} (stream VARCHAR(64) PRIMARY KEY, n BIGINT)"))
        .onAny((db, e) -> {
          if (e.data().toString().contains("poison") && broken.get()) {
            throw new IllegalStateException("cannot handle poison");
          }
          db.update("INSERT INTO {counts} (stream, n) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = {counts}.n + 1",
              e.stream());
        })
        .build();
    RunnerOptions options = RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK));
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      appendWithPoisonInTheMiddle(store);
      try (JdbcTarget target = JdbcTarget.sqlite(dir);
          AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, p, target, options)) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        assertThat(runner.parked()).extracting(ParkedEvent::position).containsExactly(11L);
      }
      broken.set(false);
      try (JdbcTarget target = JdbcTarget.sqlite(dir);
          AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, p, target, options)) {
        assertThat(runner.parked()).extracting(ParkedEvent::position).containsExactly(11L);
        runner.replayParked(11);
        assertThat(runner.parked()).isEmpty();
        try (Connection c = target.openReader(); var s = c.createStatement();
            var rs = s.executeQuery("SELECT n FROM counts WHERE stream = 'acc-1'")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(11);
        }
      }
    }
  }

  @Test
  void the_backoff_doubles_up_to_its_cap() {
    FailurePolicy p = new FailurePolicy(10, Duration.ofMillis(10), Duration.ofMillis(50), FailurePolicy.Exhausted.PARK);
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(10));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(20));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(40));
    assertThat(p.backoff(5)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void decode_failures_of_typed_appliers_are_handler_failures() throws Exception {
    record Deposited(long amount) {}
    Projection<MemoryTables> p = Projection.<MemoryTables>named("typed", 1)
        .<Deposited>onAny(e -> {
          if (!e.type().equals("Deposited")) {
            throw new IllegalArgumentException("unknown type " + e.type());
          }
          return new Deposited(Ledger.amount(e));
        }, (db, d, env) -> db.put("sum", env.stream(), db.getOrDefault("sum", env.stream(), 0L) + d.amount()))
        .build();
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      store.append("a-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":5}"),
          EventData.of("Mystery", Json.of("{}")), EventData.of("Deposited", "{\"amount\":7}"));
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThat(runner.awaitPosition(3, WAIT)).isTrue();
        assertThat(target.live("typed").orElseThrow().<Long>get("sum", "a-1")).contains(12L);
        assertThat(runner.parked()).singleElement().satisfies(e -> assertThat(e.error()).contains("unknown type Mystery"));
      }
    }
  }

  @Test
  void a_failing_target_stops_the_projection_instead_of_parking_good_events() throws Exception {
    MemoryTarget memory = new MemoryTarget();
    AtomicInteger commits = new AtomicInteger();
    // A target whose commits fail: the events are fine, so none may be parked.
    ProjectionTarget<MemoryTables> failing = new ProjectionTarget<>() {
      @Override
      public Checkpoint open(Projection<MemoryTables> projection, int partitions) {
        return memory.open(projection, partitions);
      }

      @Override
      public UnitOfWork<MemoryTables> begin(ProjectionId id, int partition) {
        UnitOfWork<MemoryTables> real = memory.begin(id, partition);
        return new UnitOfWork<>() {
          @Override
          public MemoryTables session() {
            return real.session();
          }

          @Override
          public void park(ParkedEvent event) {
            real.park(event);
          }

          @Override
          public void unpark(long position) {
            real.unpark(position);
          }

          @Override
          public void commit(long partitionPosition, long safePosition) {
            commits.incrementAndGet();
            throw new ReadModelException("disk full", new java.io.IOException("disk full"));
          }

          @Override
          public void commitWithoutCheckpoint() {
            real.commitWithoutCheckpoint();
          }

          @Override
          public void close() {
            real.close();
          }
        };
      }

      @Override
      public java.util.Optional<Checkpoint> checkpoint(ProjectionId id) {
        return memory.checkpoint(id);
      }

      @Override
      public java.util.Optional<Integer> liveVersion(String name) {
        return memory.liveVersion(name);
      }

      @Override
      public void promote(Projection<MemoryTables> projection) {
        memory.promote(projection);
      }

      @Override
      public void drop(Projection<MemoryTables> projection) {
        memory.drop(projection);
      }

      @Override
      public java.util.List<ParkedEvent> parked(ProjectionId id) {
        return memory.parked(id);
      }

      @Override
      public Comparison compare(Projection<MemoryTables> live, Projection<MemoryTables> shadow, int sampleSize) {
        return memory.compare(live, shadow, sampleSize);
      }

      @Override
      public String guarantee() {
        return "test";
      }

      @Override
      public void close() {}
    };
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      appendWithPoisonInTheMiddle(store);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store,
          counting(new AtomicBoolean(false), new AtomicInteger()), failing,
          RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThatThrownBy(() -> runner.awaitPosition(21, WAIT)).isInstanceOf(ProjectionFailedException.class)
            .hasMessageContaining("disk full");
        assertThat(runner.status().state()).isEqualTo(ProjectionState.FAILED);
        assertThat(runner.parked()).isEmpty();
        assertThat(commits.get()).isEqualTo(3);
        assertThat(runner.status().position()).isZero();
      }
    }
  }
}
