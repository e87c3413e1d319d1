package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every database under {@link JdbcTarget} must do (SQLite beside the log, PostgreSQL beside the
 * PostgreSQL engine): exactly-once application with the checkpoint in the same transaction, queries through
 * the live version's views, blue/green rebuild with comparison and atomic promotion, dropping a version, parked
 * events, and fencing off a runner that another server's runner overtook. Each test gets an empty database;
 * {@link #openTarget()} opens another target on that same database (as a second server would).
 */
public abstract class JdbcTargetContract {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A new target on this test's database (the same database each call within a test). */
  protected abstract JdbcTarget openTarget();

  /** The physical name of a version's logical table on this database, as queries outside the views name it. */
  protected abstract String physical(ProjectionId id, String logical);

  @Test
  void an_async_projection_equals_the_fold_and_is_read_through_the_live_views() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = openTarget();
        AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, Ledger.jdbc(2), target,
            RunnerOptions.defaults().withMaxBatch(200).withPartitions(2));
        Connection reader = target.openReader()) {
      Ledger.fill(store, 1, 1500, 20);
      AppendResult mine = store.append("account-mine", ExpectedVersion.NO_STREAM, Ledger.deposit(new Random(1), 42));
      assertThat(runner.awaitPosition(mine.lastPosition(), WAIT)).isTrue();
      List<RecordedEvent> all = Ledger.all(store);
      assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 2));
      assertThat(Ledger.count(reader, "applied")).isEqualTo(all.size());
      Checkpoint cp = target.checkpoint(Ledger.jdbc(2).id()).orElseThrow();
      assertThat(Math.max(cp.partitionPosition(0), cp.partitionPosition(1))).isEqualTo(mine.lastPosition());
      assertThat(target.liveVersion("ledger")).contains(2);
    }
  }

  @Test
  void a_rebuild_compares_promotes_atomically_and_the_old_version_drops() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = openTarget();
        Connection reader = target.openReader()) {
      Ledger.fill(store, 2, 800, 10);
      Projection<JdbcSession> v1 = Ledger.jdbc(1);
      Projection<JdbcSession> v2 = Ledger.jdbc(2);
      AsyncProjectionRunner<JdbcSession> live = AsyncProjectionRunner.start(store, v1, target, RunnerOptions.defaults());
      assertThat(live.awaitPosition(store.headPosition(), WAIT)).isTrue();
      List<RecordedEvent> all = Ledger.all(store);
      assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 1));

      Rebuild<JdbcSession> rebuild = Rebuild.start(store, target, v2, RunnerOptions.defaults().withPartitions(2));
      assertThat(rebuild.awaitCaughtUp(WAIT)).isTrue();
      Comparison diff = rebuild.compare(v1, 5);
      assertThat(diff.tables()).isNotEmpty();
      assertThat(Ledger.balances(reader, "balances")).as("queries still read the live version")
          .isEqualTo(Ledger.fold(all, 1));
      try (AsyncProjectionRunner<JdbcSession> promoted = rebuild.promote(live, v1, WAIT)) {
        assertThat(target.liveVersion("ledger")).contains(2);
        assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 2));
        target.drop(v1);
        assertThat(target.checkpoint(v1.id())).isEmpty();
        assertThatThrownBy(() -> Ledger.count(reader, physical(v1.id(), "balances"))).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> target.drop(v2)).hasMessageContaining("live");
        assertThat(Ledger.count(reader, physical(v2.id(), "applied"))).isEqualTo(all.size());
      }
    }
  }

  @Test
  void a_runner_overtaken_by_another_servers_runner_is_fenced_and_commits_nothing() throws Exception {
    Projection<JdbcSession> v1 = Ledger.jdbc(1);
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget mine = openTarget();
        JdbcTarget theirs = openTarget(); Connection reader = mine.openReader()) {
      Ledger.fill(store, 3, 50, 5);
      List<RecordedEvent> all = Ledger.all(store);
      mine.open(v1, 1);
      theirs.open(v1, 1);
      try (ProjectionTarget.UnitOfWork<JdbcSession> uow = theirs.begin(v1.id(), 0)) {
        for (RecordedEvent e : all.subList(0, 10)) {
          v1.apply(uow.session(), e);
        }
        uow.flush();
        uow.commit(all.get(9).position(), all.get(9).position());
      }
      try (ProjectionTarget.UnitOfWork<JdbcSession> uow = mine.begin(v1.id(), 0)) {
        // This runner still believes the checkpoint is 0 (what open() handed it) and applies later events.
        for (RecordedEvent e : all.subList(10, 15)) {
          v1.apply(uow.session(), e);
        }
        uow.flush();
        assertThatThrownBy(() -> uow.commit(all.get(14).position(), all.get(14).position()))
            .isInstanceOf(ProjectionTarget.CheckpointFencedException.class)
            .hasMessageContaining("another runner");
      }
      assertThat(Ledger.count(reader, "applied")).isEqualTo(10);
      assertThat(mine.checkpoint(v1.id()).orElseThrow().partitionPosition(0)).isEqualTo(all.get(9).position());
      // A runner that starts again reads the moved checkpoint and goes on from there.
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, v1, mine,
          RunnerOptions.defaults())) {
        assertThat(runner.awaitPosition(store.headPosition(), WAIT)).isTrue();
        assertThat(Ledger.count(reader, "applied")).isEqualTo(all.size());
        assertThat(Ledger.balances(reader, "balances")).isEqualTo(Ledger.fold(all, 1));
      }
    }
  }

  @Test
  void parked_events_are_stored_with_the_checkpoint_and_unparked_once() throws Exception {
    Projection<JdbcSession> v1 = Ledger.jdbc(1);
    try (JdbcTarget target = openTarget()) {
      target.open(v1, 1);
      ParkedEvent parked = new ParkedEvent(7, "account-1", "Deposited", "boom", 3, java.time.Instant.parse(
          "2026-01-02T03:04:05Z"));
      try (ProjectionTarget.UnitOfWork<JdbcSession> uow = target.begin(v1.id(), 0)) {
        uow.park(parked);
        uow.commit(7, 7);
      }
      assertThat(target.parked(v1.id())).containsExactly(parked);
      try (ProjectionTarget.UnitOfWork<JdbcSession> uow = target.begin(v1.id(), 0)) {
        uow.unpark(7);
        uow.commitWithoutCheckpoint();
      }
      assertThat(target.parked(v1.id())).isEmpty();
      try (ProjectionTarget.UnitOfWork<JdbcSession> uow = target.begin(v1.id(), 0)) {
        assertThatThrownBy(() -> uow.unpark(7)).isInstanceOf(ProjectionTarget.NotParkedException.class);
      }
    }
  }
}
