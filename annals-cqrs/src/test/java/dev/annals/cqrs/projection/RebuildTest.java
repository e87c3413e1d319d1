package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** What one query saw, in one read transaction: the live version, its partition checkpoints, the view. */
  private record Snapshot(int version, long[] partitions, Map<String, Ledger.Balance> balances) {}

  private static Snapshot query(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try {
      int version;
      try (var s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT version FROM annals_projection WHERE name = 'ledger' AND live = 1")) {
        rs.next();
        version = rs.getInt(1);
      }
      List<Long> parts = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT position FROM annals_projection_partition"
          + " WHERE name = 'ledger' AND version = " + version + " ORDER BY part")) {
        while (rs.next()) {
          parts.add(rs.getLong(1));
        }
      }
      Map<String, Ledger.Balance> balances = Ledger.balances(c, "balances");
      return new Snapshot(version, parts.stream().mapToLong(Long::longValue).toArray(), balances);
    } finally {
      c.commit();
      c.setAutoCommit(true);
    }
  }

  /** The fold of a version over the events each partition had committed. */
  private static Map<String, Ledger.Balance> expected(EventStore store, Snapshot s) {
    long max = 0;
    for (long p : s.partitions()) {
      max = Math.max(max, p);
    }
    List<RecordedEvent> committed = new ArrayList<>();
    long from = 1;
    while (from <= max) {
      Page page = store.readAll(from, Direction.FORWARD, 5000, Filter.all());
      for (RecordedEvent e : page.events()) {
        if (e.position() <= s.partitions()[Partitioning.partitionOf(e.stream(), s.partitions().length)]) {
          committed.add(e);
        }
      }
      if (page.end()) {
        break;
      }
      from = page.next();
    }
    return Ledger.fold(committed, s.version());
  }

  @Test
  void a_rebuild_under_appends_and_queries_serves_the_live_version_then_switches_atomically(@TempDir Path dir)
      throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      Ledger.fill(store, 21, 3000, 40);
      Projection<JdbcSession> v1 = Ledger.jdbc(1);
      Projection<JdbcSession> v2 = Ledger.jdbc(2);
      AsyncProjectionRunner<JdbcSession> live = AsyncProjectionRunner.start(store, v1, target,
          RunnerOptions.defaults().withMaxBatch(100));
      assertThat(live.awaitPosition(store.headPosition(), WAIT)).isTrue();

      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicBoolean querying = new AtomicBoolean(true);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<Integer> versionsSeen = new CopyOnWriteArrayList<>();
      AtomicLong queries = new AtomicLong();
      Thread writer = Thread.ofPlatform().start(() -> {
        long seed = 100;
        try {
          while (writing.get()) {
            Ledger.fill(store, seed++, 20, 45);
            Thread.sleep(2);
          }
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      Thread reader = Thread.ofPlatform().start(() -> {
        try (Connection c = target.openReader()) {
          while (querying.get()) {
            Snapshot s = query(c);
            // Each answer is exactly the live version's fold of what it had committed.
            assertThat(s.balances()).isEqualTo(expected(store, s));
            if (versionsSeen.isEmpty() || versionsSeen.get(versionsSeen.size() - 1) != s.version()) {
              versionsSeen.add(s.version());
            }
            queries.incrementAndGet();
          }
        } catch (Throwable t) {
          errors.add(t);
        }
      });

      Rebuild<JdbcSession> rebuild = Rebuild.start(store, target, v2,
          RunnerOptions.defaults().withPartitions(3).withMaxBatch(200));
      assertThat(rebuild.status().state()).isEqualTo(ProjectionState.REBUILDING);
      assertThat(rebuild.status().live()).isFalse();
      assertThat(rebuild.awaitCaughtUp(WAIT)).isTrue();
      RebuildProgress progress = rebuild.progress();
      assertThat(progress.done()).isGreaterThanOrEqualTo(3000);
      assertThat(progress.eventsPerSecond()).isPositive();
      assertThat(target.liveVersion("ledger")).contains(1);

      Comparison diff = rebuild.compare(v1, 5);
      assertThat(diff.identical()).isFalse(); // version 2 counts fees
      assertThat(diff.tables()).extracting(Comparison.TableComparison::table).containsExactly("balances", "applied");
      Comparison.TableComparison balances = diff.tables().get(0);
      assertThat(balances.liveRows()).isPositive();
      assertThat(balances.onlyInShadow()).isNotEmpty().hasSizeLessThanOrEqualTo(5);
      assertThat(balances.onlyInShadow().get(0)).contains("account=account-");

      AsyncProjectionRunner<JdbcSession> promoted = rebuild.promote(live, v1, WAIT);
      assertThat(target.liveVersion("ledger")).contains(2);
      assertThat(live.status().state()).isEqualTo(ProjectionState.STOPPED);
      Thread.sleep(300); // appends and queries go on against version 2
      writing.set(false);
      writer.join();
      assertThat(promoted.awaitPosition(store.headPosition(), WAIT)).isTrue();
      querying.set(false);
      reader.join();

      assertThat(errors).isEmpty();
      assertThat(versionsSeen).containsExactly(1, 2);
      assertThat(queries.get()).isGreaterThan(2);
      List<RecordedEvent> all = Ledger.all(store);
      try (Connection c = target.openReader()) {
        assertThat(Ledger.balances(c, "balances")).isEqualTo(Ledger.fold(all, 2));
        assertThat(Ledger.count(c, "applied")).isEqualTo(all.size()); // primary key: none applied twice
        try (ResultSet rs = c.getMetaData().getTables(null, null, "balances_v1", null)) {
          assertThat(rs.next()).as("version 1 dropped").isFalse();
        }
      }
      ProjectionStatus status = promoted.status();
      assertThat(status.state()).isEqualTo(ProjectionState.RUNNING);
      assertThat(status.live()).isTrue();
      assertThat(status.partitions()).isEqualTo(3);
      assertThat(target.checkpoint(v1.id())).isEmpty();
      promoted.close();
    }
  }

  @Test
  void an_in_memory_rebuild_compares_and_promotes(@TempDir Path dir) throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Ledger.fill(store, 5, 2000, 30);
      Projection<MemoryTables> v1 = Ledger.memory(1);
      Projection<MemoryTables> v2 = Ledger.memory(2);
      AsyncProjectionRunner<MemoryTables> live = AsyncProjectionRunner.start(store, v1, target, RunnerOptions.defaults());
      assertThat(live.awaitPosition(store.headPosition(), WAIT)).isTrue();
      assertThatThrownBy(() -> Rebuild.start(store, target, Ledger.memory(1), RunnerOptions.defaults()))
          .isInstanceOf(IllegalStateException.class);

      Rebuild<MemoryTables> rebuild = Rebuild.start(store, target, v2, RunnerOptions.defaults().withPartitions(4));
      assertThat(rebuild.awaitCaughtUp(WAIT)).isTrue();
      Comparison diff = rebuild.compare(v1, 3);
      assertThat(diff.tables().get(0).liveRows()).isEqualTo(30);
      assertThat(diff.tables().get(0).shadowRows()).isEqualTo(30);
      assertThat(diff.tables().get(0).onlyInShadow()).hasSize(3);
      assertThat(diff.tables().get(1).identical()).isTrue(); // applied: same positions
      assertThat(target.live("ledger").orElseThrow().id()).isEqualTo(v1.id());

      try (AsyncProjectionRunner<MemoryTables> promoted = rebuild.promote(live, v1, WAIT)) {
        assertThat(target.live("ledger").orElseThrow().id()).isEqualTo(v2.id());
        assertThat(target.view(v1.id())).isEmpty();
        Ledger.fill(store, 6, 500, 30);
        assertThat(promoted.awaitPosition(store.headPosition(), WAIT)).isTrue();
        assertThat(Ledger.memoryBalances(target.live("ledger").orElseThrow()))
            .isEqualTo(Ledger.fold(Ledger.all(store), 2));
      }
    }
  }

  @Test
  void an_abandoned_rebuild_leaves_the_live_version_alone(@TempDir Path dir) throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      Ledger.fill(store, 8, 500, 10);
      try (AsyncProjectionRunner<JdbcSession> live = AsyncProjectionRunner.start(store, Ledger.jdbc(1), target,
          RunnerOptions.defaults())) {
        assertThat(live.awaitPosition(store.headPosition(), WAIT)).isTrue();
        Rebuild<JdbcSession> rebuild = Rebuild.start(store, target, Ledger.jdbc(2), RunnerOptions.defaults());
        assertThat(rebuild.awaitCaughtUp(WAIT)).isTrue();
        rebuild.abandon();
        assertThat(target.liveVersion("ledger")).contains(1);
        assertThat(target.checkpoint(Ledger.jdbc(2).id())).isEmpty();
        try (Connection c = target.openReader()) {
          assertThat(Ledger.balances(c, "balances")).isEqualTo(Ledger.fold(Ledger.all(store), 1));
        }
      }
    }
  }
}
