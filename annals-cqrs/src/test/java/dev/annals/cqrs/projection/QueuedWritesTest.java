package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcSession#write}: queued writes run in order, before reads, and fail as the applier that queued them. */
class QueuedWritesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final FailurePolicy PARK = new FailurePolicy(2, Duration.ofMillis(5), Duration.ofMillis(10),
      FailurePolicy.Exhausted.PARK);

  /**
   * Rows per event (position primary key: an event applied twice fails), a running total per account
   * through a second statement, and each row records how many rows its applier could read before it.
   */
  private static Projection<JdbcSession> ledger() {
    return Projection.<JdbcSession>named("ledger", 1)
        .tables("entries", "totals")
        .setup(db -> {
          db.execute("CREATE TABLE IF NOT EXISTS {entries} (position BIGINT PRIMARY KEY, account VARCHAR(64) NOT NULL,"
              + " amount BIGINT NOT NULL CHECK (amount >= 0), seen BIGINT NOT NULL)");
          db.execute("CREATE TABLE IF NOT EXISTS {totals} (account VARCHAR(64) PRIMARY KEY, total BIGINT NOT NULL)");
        })
        .onAny((db, e) -> {
          long amount = e.data().toNode().get("amount").asLong();
          long seen = db.queryOne("SELECT COUNT(*) FROM {entries}", rs -> rs.getLong(1)).orElseThrow();
          db.write("INSERT INTO {entries} (position, account, amount, seen) VALUES (?, ?, ?, ?)", e.position(), e.stream(),
              amount, seen);
          db.write("INSERT INTO {totals} (account, total) VALUES (?, ?) ON CONFLICT (account) DO UPDATE"
              + " SET total = {totals}.total + excluded.total", e.stream(), amount);
          if (e.data().toString().contains("\"thrown\"")) {
            throw new IllegalStateException("the applier refuses this one after queueing its writes");
          }
        })
        .build();
  }

  private static List<long[]> rows(JdbcTarget target, String sql) throws Exception {
    List<long[]> out = new ArrayList<>();
    try (Connection c = target.openReader(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new long[] {rs.getLong(1), rs.getLong(2)});
      }
    }
    return out;
  }

  @Test
  void queued_writes_run_in_order_and_before_the_applier_reads(@TempDir Path dir) throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      for (int i = 0; i < 3000; i++) {
        store.append("acc-" + (i % 5), ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":" + (i % 10) + "}"));
      }
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, ledger(), target,
          RunnerOptions.defaults().withMaxBatch(2500))) {
        assertThat(runner.awaitPosition(3000, WAIT)).isTrue();
      }
      // every applier saw exactly the rows of the events before it: the queue ran before each read
      List<long[]> seen = rows(target, "SELECT position, seen FROM entries ORDER BY position");
      assertThat(seen).hasSize(3000);
      for (long[] r : seen) {
        assertThat(r[1]).as("rows seen by the applier of position %d", r[0]).isEqualTo(r[0] - 1);
      }
      long expected = java.util.stream.IntStream.range(0, 3000).map(i -> i % 10).sum();
      assertThat(rows(target, "SELECT SUM(total), COUNT(*) FROM totals")).singleElement()
          .satisfies(r -> assertThat(r).containsExactly(expected, 5));
    }
  }

  @Test
  void a_queued_write_that_fails_parks_its_event_and_the_others_are_applied_once(@TempDir Path dir) throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      for (int i = 1; i <= 40; i++) {
        String data = i == 17 ? "{\"amount\":-5}" : i == 29 ? "{\"amount\":1,\"thrown\":true}" : "{\"amount\":1}";
        store.append("acc-" + (i % 3), ExpectedVersion.ANY, EventData.of("Deposited", data));
      }
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, ledger(), target,
          RunnerOptions.defaults().withFailurePolicy(PARK))) {
        assertThat(runner.awaitPosition(40, WAIT)).isTrue();
        assertThat(runner.parked()).extracting(ParkedEvent::position).containsExactly(17L, 29L);
        assertThat(runner.parked().get(0).error()).containsIgnoringCase("constraint");
        assertThat(runner.parked().get(1).error()).contains("refuses this one");
      }
      List<long[]> entries = rows(target, "SELECT position, amount FROM entries ORDER BY position");
      assertThat(entries).extracting(r -> r[0]).as("every event but the two parked ones, once")
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).filter(p -> p != 17 && p != 29)
              .boxed().toList());
      assertThat(rows(target, "SELECT SUM(total), COUNT(*) FROM totals")).singleElement()
          .satisfies(r -> assertThat(r[0]).as("the refused event's queued writes were discarded").isEqualTo(38));
    }
  }
}
