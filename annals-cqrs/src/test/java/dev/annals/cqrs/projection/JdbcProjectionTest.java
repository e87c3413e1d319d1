package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import dev.annals.core.RecordedEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcProjectionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    final AtomicReference<Instant> now;

    TestClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void an_async_sqlite_projection_equals_the_fold_and_await_position_gives_read_your_writes(@TempDir Path dir)
      throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir);
        AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, Ledger.jdbc(2), target,
            RunnerOptions.defaults().withMaxBatch(200));
        Connection reader = target.openReader()) {
      Ledger.fill(store, 1, 2000, 20);
      AppendResult mine = store.append("account-mine", ExpectedVersion.NO_STREAM, Ledger.deposit(new Random(1), 42));
      assertThat(runner.awaitPosition(mine.lastPosition(), WAIT)).isTrue();
      assertThat(Ledger.balances(reader, "balances")).containsEntry("account-mine", new Ledger.Balance(42, 1));
      List<RecordedEvent> all = Ledger.all(store);
      assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 2));
      assertThat(Ledger.count(reader, "applied")).isEqualTo(all.size());
      assertThat(target.checkpoint(Ledger.jdbc(2).id()).orElseThrow().partitionPosition(0)).isEqualTo(mine.lastPosition());
      ProjectionStatus status = runner.status();
      assertThat(status.state()).isEqualTo(ProjectionState.RUNNING);
      assertThat(status.live()).isTrue();
      assertThat(status.lagEvents()).isZero();
      assertThat(target.guarantee()).contains("exactly-once");
    }
  }

  @Test
  void an_inline_projection_is_up_to_date_when_the_append_returns(@TempDir Path dir) throws Exception {
    try (InMemoryEventStore inner = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      Ledger.fill(inner, 5, 300, 10); // already in the log before the projection exists
      InlineProjection<JdbcSession> inline = new InlineProjection<>(inner, Ledger.jdbc(1), target, RunnerOptions.defaults());
      try (ProjectingEventStore store = new ProjectingEventStore(inner, List.of(inline));
          Connection reader = target.openReader()) {
        Random r = new Random(9);
        List<Thread> writers = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < 4; w++) {
          String stream = "account-w" + w;
          writers.add(Thread.ofPlatform().start(() -> {
            try (Connection own = target.openReader()) {
              for (int i = 1; i <= 25; i++) {
                store.append(stream, ExpectedVersion.ANY, Ledger.deposit(new Random(), 10));
                // Read-your-writes: the append's events are in the read model already.
                assertThat(Ledger.balances(own, "balances").get(stream)).isEqualTo(new Ledger.Balance(10L * i, i));
              }
            } catch (Throwable e) {
              errors.add(e);
            }
          }));
        }
        for (Thread t : writers) {
          t.join();
        }
        assertThat(errors).isEmpty();
        store.append("account-x", ExpectedVersion.ANY, Ledger.deposit(r, 5));
        List<RecordedEvent> all = Ledger.all(inner);
        assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 1));
        assertThat(Ledger.count(reader, "applied")).isEqualTo(all.size());
        assertThat(inline.status().state()).isEqualTo(ProjectionState.RUNNING);
        assertThat(inline.status().lagEvents()).isZero();
      }
    }
  }

  /**
   * An appender interrupted while the inline projection backs off before a retry returns with its
   * events committed; the next append brings the read model up to date. Before, the page it was
   * applying stayed dispatched, and the next catch-up failed the projection for good ("dispatched after").
   */
  @Test
  void an_appender_interrupted_in_a_retry_backoff_leaves_the_inline_projection_running() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Projection<MemoryTables> p = Projection.<MemoryTables>named("inline", 1).tables("t")
        .on("E", (db, e) -> {
          if (e.position() == 2 && calls.incrementAndGet() == 1) {
            throw new IllegalStateException("transient");
          }
          db.put("t", e.position(), Boolean.TRUE);
        }).build();
    FailurePolicy slow = new FailurePolicy(5, Duration.ofSeconds(20), Duration.ofSeconds(20), FailurePolicy.Exhausted.PARK);
    try (InMemoryEventStore raw = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      InlineProjection<MemoryTables> inline = new InlineProjection<>(raw, p, target, RunnerOptions.defaults().withFailurePolicy(slow));
      ProjectingEventStore store = new ProjectingEventStore(raw, List.of(inline));
      store.append("s-1", ExpectedVersion.ANY, EventData.of("E", "{}"));
      Thread appender = Thread.currentThread();
      Thread interrupter = Thread.ofPlatform().start(() -> {
        while (calls.get() == 0) {
          Thread.onSpinWait();
        }
        appender.interrupt(); // the caller's task is cancelled while the projection backs off
      });
      long t0 = System.nanoTime();
      store.append("s-2", ExpectedVersion.ANY, EventData.of("E", "{}"), EventData.of("E", "{}"));
      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
      interrupter.join();
      store.append("s-3", ExpectedVersion.ANY, EventData.of("E", "{}"));
      assertThat(inline.status().state()).isEqualTo(ProjectionState.RUNNING);
      assertThat(inline.status().lastError()).hasValueSatisfying(m -> assertThat(m).contains("transient"));
      assertThat(target.live("inline").orElseThrow().rows("t").keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
      assertThat(inline.status().position()).isEqualTo(4);
    }
  }

  /**
   * A comparison of two versions reads them in one snapshot on a reader connection: it never takes
   * the write lock, so a projection's unit of work open meanwhile does not hold it up (before, it
   * waited for SQLite's 60 s busy timeout, and a long comparison stalled every projection's commits).
   */
  @Test
  void a_comparison_does_not_wait_for_the_write_lock(@TempDir Path dir) throws Exception {
    Projection<JdbcSession> v1 = Ledger.jdbc(1);
    Projection<JdbcSession> v2 = Ledger.jdbc(2);
    try (JdbcTarget target = JdbcTarget.sqlite(dir)) {
      target.open(v1, 1);
      target.open(v2, 1);
      try (ProjectionTarget.UnitOfWork<JdbcSession> writing = target.begin(v1.id(), 0)) {
        writing.session().update("INSERT INTO {balances} (account, balance, events) VALUES ('a', 5, 1)");
        Comparison c = java.util.concurrent.CompletableFuture.supplyAsync(() -> target.compare(v1, v2, 5))
            .get(10, java.util.concurrent.TimeUnit.SECONDS);
        // the uncommitted row is not seen: a snapshot of committed data
        assertThat(c.tables()).allSatisfy(t -> assertThat(t.liveRows()).isZero());
        writing.commit(1, 1);
      }
      Comparison after = target.compare(v1, v2, 5);
      assertThat(after.tables().stream().filter(t -> t.table().equals("balances")).findFirst().orElseThrow().liveRows())
          .isEqualTo(1);
    }
  }

  @Test
  void status_reports_lag_in_events_and_in_seconds_while_catching_up() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-15T14:00:00Z"));
    CountDownLatch release = new CountDownLatch(1);
    Projection<MemoryTables> slow = Projection.<MemoryTables>named("slow", 1)
        .onAny((db, e) -> {
          release.await();
          db.put("n", e.stream(), e.version());
        })
        .build();
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000);
        MemoryTarget target = new MemoryTarget()) {
      for (int i = 0; i < 5; i++) {
        store.append("s-" + i, ExpectedVersion.ANY, EventData.of("Happened", "{}"));
        clock.advance(Duration.ofSeconds(10));
      }
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, slow, target,
          RunnerOptions.defaults().withClock(clock))) {
        try {
          ProjectionStatus s = runner.status();
          assertThat(s.state()).isIn(ProjectionState.CATCHING_UP, ProjectionState.RUNNING);
          assertThat(s.position()).isZero();
          assertThat(s.lagEvents()).isEqualTo(5);
          assertThat(s.lagSeconds()).isEqualTo(Duration.ofSeconds(50)); // the first event, recorded at 14:00:00
          assertThat(s.progress()).hasValueSatisfying(p -> assertThat(p.toGo()).isEqualTo(5));
        } finally {
          release.countDown(); // a failed assertion must not leave the handler blocked (close would wait forever)
        }
        assertThat(runner.awaitPosition(5, WAIT)).isTrue();
        ProjectionStatus done = runner.status();
        assertThat(done.state()).isEqualTo(ProjectionState.RUNNING);
        assertThat(done.lagEvents()).isZero();
        assertThat(done.lagSeconds()).isZero();
        assertThat(done.applied()).isEqualTo(5);
      }
      assertThat(target.checkpoint(slow.id()).orElseThrow().partitionPosition(0)).isEqualTo(5);
    }
  }

  @Test
  void a_projection_as_of_a_time_sees_only_the_events_recorded_by_then(@TempDir Path dir) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-15T14:00:00Z"));
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000)) {
      Random r = new Random(2);
      for (int i = 0; i < 60; i++) {
        store.append("account-" + (i % 6), ExpectedVersion.ANY, Ledger.deposit(r, 1 + i), Ledger.fee(r, 1));
        clock.advance(Duration.ofMinutes(1));
      }
      Instant knownAt = Instant.parse("2026-03-15T14:47:00Z"); // the 48th append was recorded exactly then
      List<RecordedEvent> known = Ledger.all(store).stream().filter(e -> !e.recordedAt().isAfter(knownAt)).toList();
      assertThat(known).hasSize(96);
      AsOfBuild asOf = new AsOfBuild(store, RunnerOptions.defaults());

      try (JdbcTarget scratch = JdbcTarget.sqlite(dir.resolve("asof")); Connection c = scratch.openReader()) {
        AsOfBuild.Result result = asOf.build(Ledger.jdbc(2), scratch, knownAt);
        assertThat(result.position()).isEqualTo(96);
        assertThat(result.applied()).isEqualTo(96);
        assertThat(Ledger.balances(c, "balances")).isEqualTo(Ledger.fold(known, 2));
      }
      try (MemoryTarget scratch = new MemoryTarget()) {
        asOf.build(Ledger.memory(2), scratch, knownAt);
        Map<String, Ledger.Balance> m = Ledger.memoryBalances(scratch.live("ledger").orElseThrow());
        assertThat(m).isEqualTo(Ledger.fold(known, 2));
      }
      try (MemoryTarget scratch = new MemoryTarget()) {
        AsOfBuild.Result before = asOf.build(Ledger.memory(2), scratch, Instant.parse("2026-03-15T13:00:00Z"));
        assertThat(before.position()).isZero();
        assertThat(scratch.live("ledger").orElseThrow().rows("balances")).isEmpty();
      }
    }
  }
}
