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

  /**
   * A target failure while an event is being retried (here: the retry's begin fails once) is the
   * target's, not the event's: it is retried like any target failure, and the event is then applied.
   * Before, the first such failure stopped the projection for good, under the PARK policy too.
   */
  @Test
  void a_transient_target_failure_during_a_retry_is_retried() throws Exception {
    FlakyTarget target = new FlakyTarget();
    AtomicInteger poisonAttempts = new AtomicInteger();
    Projection<MemoryTables> p = Projection.<MemoryTables>named("counts", 1).tables("counts")
        .onAny((db, e) -> {
          // attempt 1 fails in the whole batch, attempt 2 alone (the retries start); the first retry's
          // begin then fails (a database hiccup), and attempt 3 succeeds
          if (e.data().toString().contains("poison") && poisonAttempts.incrementAndGet() <= 2) {
            if (poisonAttempts.get() == 2) {
              target.failBegins.set(1);
            }
            throw new IllegalStateException("transient");
          }
          db.put("counts", e.stream(), db.getOrDefault("counts", e.stream(), 0) + 1);
        }).build();
    runOverPoisonHistory(p, target, runner -> {
      assertThat(runner.parked()).isEmpty();
      assertThat(poisonAttempts.get()).isEqualTo(3);
      assertThat(target.memory.live("counts").orElseThrow().rows("counts")).isEqualTo(java.util.Map.of("acc-1", 11, "acc-2", 10));
    });
  }

  /** Runs {@code p} with the PARK policy over the poison history to its end; the target's armed failures are spent. */
  private static void runOverPoisonHistory(Projection<MemoryTables> p, FlakyTarget target,
      java.util.function.Consumer<AsyncProjectionRunner<MemoryTables>> check) throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      appendWithPoisonInTheMiddle(store);
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        assertThat(runner.status().state()).isEqualTo(ProjectionState.RUNNING);
        assertThat(target.failBegins.get()).isZero();
        check.accept(runner);
      }
    }
  }

  /** Parking is a write to the target too: one that fails once is retried, and the event is parked. */
  @Test
  void a_transient_target_failure_while_parking_is_retried() throws Exception {
    FlakyTarget target = new FlakyTarget();
    AtomicInteger poisonAttempts = new AtomicInteger();
    Projection<MemoryTables> p = Projection.<MemoryTables>named("counts", 1).tables("counts")
        .onAny((db, e) -> {
          if (e.data().toString().contains("poison")) {
            // attempts 1 (whole batch) and 2 (alone), then 2 retries (maxAttempts 3): the 4th is the last,
            // and the first begin of the parking that follows fails
            if (poisonAttempts.incrementAndGet() == 4) {
              target.failBegins.set(1);
            }
            throw new IllegalStateException("cannot handle poison");
          }
          db.put("counts", e.stream(), db.getOrDefault("counts", e.stream(), 0) + 1);
        }).build();
    runOverPoisonHistory(p, target, runner -> {
      assertThat(runner.parked()).extracting(ParkedEvent::position).containsExactly(11L);
      assertThat(poisonAttempts.get()).isEqualTo(4);
    });
  }

  /**
   * Two replays of one parked event at once: one applies it, the other is refused, with either target.
   * Before, both passed the "is it parked?" check and the event was applied twice.
   */
  @Test
  void two_concurrent_replays_of_one_parked_event_apply_it_once(@TempDir Path dir) throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger poisonAttempts = new AtomicInteger();
    java.util.concurrent.CountDownLatch inReplay = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Projection<JdbcSession> p = Projection.<JdbcSession>named("totals", 1).tables("totals")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {totals} (k VARCHAR(8) PRIMARY KEY, n BIGINT NOT NULL)"))
        .onAny((db, e) -> {
          if (e.data().toString().contains("poison")) {
            poisonAttempts.incrementAndGet();
            if (broken.get()) {
              throw new IllegalStateException("cannot handle poison");
            }
            inReplay.countDown();
            release.await();
          }
          db.update("INSERT INTO {totals} (k, n) VALUES ('all', 1) ON CONFLICT (k) DO UPDATE SET n = {totals}.n + 1");
        }).build();
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      appendWithPoisonInTheMiddle(store);
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, p, target,
          RunnerOptions.defaults().withFailurePolicy(fast(FailurePolicy.Exhausted.PARK)))) {
        assertThat(runner.awaitPosition(21, WAIT)).isTrue();
        assertThat(runner.parked()).extracting(ParkedEvent::position).containsExactly(11L);
        broken.set(false);
        var first = java.util.concurrent.CompletableFuture.runAsync(() -> replay(runner, 11));
        assertThat(inReplay.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // the second replay passes the runner's own check (the event is still parked) and queues behind the first
        var second = java.util.concurrent.CompletableFuture.runAsync(() -> replay(runner, 11));
        Thread.sleep(100);
        release.countDown();
        first.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThatThrownBy(() -> second.get(20, java.util.concurrent.TimeUnit.SECONDS))
            .hasCauseInstanceOf(ProjectionTarget.NotParkedException.class)
            .hasMessageContaining("no parked event at position 11");
        try (Connection c = target.openReader(); var st = c.createStatement();
            var rs = st.executeQuery("SELECT n FROM totals")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(21);
        }
        assertThat(runner.parked()).isEmpty();
      }
    }
  }

  /** The memory target refuses the second of two replays when it commits (it writes nothing before). */
  @Test
  void a_memory_target_commits_one_replay_of_a_parked_event_only() throws Exception {
    try (MemoryTarget target = new MemoryTarget()) {
      Projection<MemoryTables> p = counting(new AtomicBoolean(false), new AtomicInteger());
      target.open(p, 1);
      try (var park = target.begin(p.id(), 0)) {
        park.park(new ParkedEvent(7, "acc-1", "Deposited", "boom", 3, java.time.Instant.EPOCH));
        park.commit(7, 7);
      }
      var a = target.begin(p.id(), 0);
      var b = target.begin(p.id(), 0);
      a.session().put("counts", "acc-1", 1);
      a.unpark(7);
      b.session().put("counts", "acc-1", 1);
      b.unpark(7);
      a.commitWithoutCheckpoint();
      assertThatThrownBy(b::commitWithoutCheckpoint).isInstanceOf(ProjectionTarget.NotParkedException.class);
      b.close();
      a.close();
      assertThat(target.parked(p.id())).isEmpty();
      assertThat(target.live("counts").orElseThrow().rows("counts")).isEqualTo(java.util.Map.of("acc-1", 1));
    }
  }

  private static void replay(ProjectionRunner runner, long position) {
    try {
      runner.replayParked(position);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
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

  /**
   * A {@link MemoryTarget} that fails on demand: the next {@code failBegins} begins throw, and while
   * {@code commitsFail} every checkpointed commit throws (counted in {@code commits}).
   */
  static final class FlakyTarget implements ProjectionTarget<MemoryTables> {
    final MemoryTarget memory = new MemoryTarget();
    final AtomicInteger failBegins = new AtomicInteger();
    final AtomicBoolean commitsFail = new AtomicBoolean();
    final AtomicInteger commits = new AtomicInteger();

    @Override
    public Checkpoint open(Projection<MemoryTables> projection, int partitions) {
      return memory.open(projection, partitions);
    }

    @Override
    public UnitOfWork<MemoryTables> begin(ProjectionId id, int partition) {
      if (failBegins.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ReadModelException("database is locked", new java.sql.SQLException("SQLITE_BUSY"));
      }
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
          if (commitsFail.get()) {
            throw new ReadModelException("disk full", new java.io.IOException("disk full"));
          }
          real.commit(partitionPosition, safePosition);
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
  }

  @Test
  void a_failing_target_stops_the_projection_instead_of_parking_good_events() throws Exception {
    // A target whose commits fail: the events are fine, so none may be parked.
    FlakyTarget failing = new FlakyTarget();
    failing.commitsFail.set(true);
    AtomicInteger commits = failing.commits;
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
