package dev.annals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg rows at tiny sizes on the test run's PostgreSQL: each produces its row beside its baseline, and
 * the checks each workload makes of its own results (every acknowledged append present, positions in
 * order, every live event received once in the other JVM) hold, or the row would have failed.
 */
@ExtendWith(TestPostgres.class)
class PgWorkloadsTest {

  @TempDir
  Path scratch;

  BenchEnv env(LocalPostgres server) {
    return new BenchEnv(true, scratch, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        BenchPostgres.of(server));
  }

  static BenchResult onlyRow(List<BenchResult> rows) {
    assertThat(rows).hasSize(1);
    BenchResult row = rows.getFirst();
    assertThat(row.isSkipped()).as(row.note()).isFalse();
    assertThat(row.eventsPerS()).isPositive();
    assertThat(row.baselineEventsPerS()).isPositive();
    assertThat(row.ratio()).isPositive();
    assertThat(row.note()).contains("targets: ").endsWith("; quick");
    return row;
  }

  @Test
  void append_concurrent_reports_the_engine_beside_single_row_commits_and_where_the_time_goes(LocalPostgres server)
      throws Exception {
    BenchResult row = onlyRow(new PgAppendConcurrent(e -> PgSizes.tiny()).run(env(server)));

    assertThat(row.workload()).isEqualTo("pg-append-concurrent-64");
    assertThat(row.baseline()).isEqualTo("raw-pgjdbc-insert-commit");
    assertThat(row.p99Us()).isGreaterThanOrEqualTo(row.p50Us()).isPositive();
    assertThat(row.note()).contains("events/commit", "head lock", "insert + COMMIT");
  }

  @Test
  void append_batch_reports_the_engine_beside_batched_inserts(LocalPostgres server) throws Exception {
    BenchResult row = onlyRow(new PgAppendBatch(e -> PgSizes.tiny()).run(env(server)));

    assertThat(row.workload()).isEqualTo("pg-append-batch-100");
    assertThat(row.baseline()).isEqualTo("raw-pgjdbc-batch-insert");
    assertThat(row.note()).contains(">= 0.7x baseline", "events/commit");
  }

  @Test
  void read_all_and_catch_up_read_the_same_store_once_built(LocalPostgres server) throws Exception {
    BenchEnv env = env(server);
    BenchResult read = onlyRow(new PgReadAll(e -> PgSizes.tiny()).run(env));
    BenchResult catchUp = onlyRow(new PgSubscribeCatchUp(e -> PgSizes.tiny()).run(env));

    assertThat(read.workload()).isEqualTo("pg-read-all");
    assertThat(read.note()).contains(">= 500,000 events/s");
    assertThat(catchUp.workload()).isEqualTo("pg-subscribe-catchup");
    assertThat(catchUp.note()).contains(">= 300,000 events/s");
    assertThat(env.postgres().sharedDatabase("read-" + PgSizes.tiny().readEvents(), server, db -> {
      throw new AssertionError("built twice");
    })).isNotBlank();
  }

  @Test
  void live_delivery_measures_a_subscriber_in_another_jvm_beside_listen_notify(LocalPostgres server) throws Exception {
    BenchResult row = onlyRow(new PgLiveDelivery(e -> PgSizes.tiny()).run(env(server)));

    assertThat(row.workload()).isEqualTo("pg-live-delivery");
    assertThat(row.store()).contains("other JVM");
    assertThat(row.p50Us()).isPositive();
    assertThat(row.p99Us()).isGreaterThanOrEqualTo(row.p50Us());
    assertThat(row.note()).contains("p99 <= 20 ms");
  }

  @Test
  void http_append_over_two_nodes_is_reported_beside_one_node_and_the_embedded_engine(LocalPostgres server)
      throws Exception {
    List<BenchResult> rows = new PgHttpAppendConcurrent(e -> PgSizes.tiny()).run(env(server));

    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.workload()).isEqualTo("pg-http-append-concurrent-64");
      assertThat(r.store()).isEqualTo("http(postgresql), 2 nodes");
      assertThat(r.isSkipped()).isFalse();
      assertThat(r.eventsPerS()).isPositive();
      assertThat(r.baselineEventsPerS()).isPositive();
      assertThat(r.note()).contains("targets: ").endsWith("; quick");
    });
    assertThat(rows.get(0).baseline()).isEqualTo("http(postgresql), 1 node");
    assertThat(rows.get(0).note()).contains(">= 0.8x baseline", "events/commit");
    assertThat(rows.get(1).baseline()).isEqualTo("pg-embedded-64");
    assertThat(rows.get(1).note()).contains(">= 0.5x baseline");
  }

  @Test
  void projection_rebuild_into_postgresql_is_reported_beside_raw_upserts(LocalPostgres server) throws Exception {
    BenchResult row = onlyRow(new PgProjectionRebuild(e -> PgSizes.tiny()).run(env(server)));

    assertThat(row.workload()).isEqualTo("pg-projection-rebuild-1m");
    assertThat(row.baseline()).isEqualTo("raw-pgjdbc-batched-upserts");
    assertThat(row.note()).contains(">= 100,000 events/s", "checkpoint in the same transaction");
  }

  @Test
  void the_single_row_baseline_has_every_commit_it_counted_in_its_table(LocalPostgres server) throws Exception {
    RawPgWrites raw = new RawPgWrites(server.jdbcUrl(server.createDatabase()));

    LogAppendConcurrent.Measured m = raw.insertConcurrently(4, 100, 300, new byte[256]);

    assertThat(m.events()).isPositive();
    assertThat(raw.rows()).isEqualTo(m.events());
    assertThat(m.latencies().count()).isEqualTo((int) m.events());
  }

  @Test
  void the_batch_baseline_writes_every_row_of_every_batch(LocalPostgres server) throws Exception {
    RawPgWrites raw = new RawPgWrites(server.jdbcUrl(server.createDatabase()));

    Latencies lat = raw.insertBatches(7, 100, new byte[256]);

    assertThat(raw.rows()).isEqualTo(700);
    assertThat(lat.count()).isEqualTo(7);
  }
}
