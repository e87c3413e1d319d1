package dev.annals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pg rows' parts that need no PostgreSQL: skipping, targets, pacing, the live payload. */
class PgRowsTest {

  @TempDir
  Path scratch;

  static List<Workload> pgRows() {
    return List.of(new PgAppendConcurrent(), new PgAppendBatch(), new PgReadAll(), new PgSubscribeCatchUp(),
        new PgLiveDelivery(), new PgHttpAppendConcurrent(), new PgProjectionRebuild());
  }

  @Test
  void without_postgresql_every_pg_row_is_skipped_saying_why() throws Exception {
    BenchEnv env = new BenchEnv(false, scratch, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        BenchPostgres.none("no PostgreSQL binaries here"));

    for (Workload w : pgRows()) {
      List<BenchResult> rows = w.run(env);
      assertThat(rows).singleElement().satisfies(r -> {
        assertThat(r.workload()).isEqualTo(w.name());
        assertThat(r.isSkipped()).isTrue();
        assertThat(BenchRunner.row(r)).contains(w.name(), "skipped: no PostgreSQL binaries here").doesNotContain("NaN");
        assertThat(r.toJson()).contains("\"events_per_s\":null");
      });
    }
  }

  @Test
  void a_measured_row_is_not_taken_for_a_skipped_one() {
    BenchResult r = new BenchResult("w", "s", 10, 1, 2, "b", 5, "skipped: looks like it, but measured");

    assertThat(r.isSkipped()).isFalse();
  }

  @Test
  void every_pg_row_is_registered_by_its_name() {
    assertThat(Workloads.all()).extracting(Workload::name).contains("pg-append-concurrent-64", "pg-append-batch-100",
        "pg-read-all", "pg-subscribe-catchup", "pg-live-delivery");
  }

  @Test
  void targets_say_each_check_met_or_missed_and_whether_all_were_met() {
    PgTargets met = PgTargets.none().ratioAtLeast(2.31, 2).p99AtMostMs(12_100, 20);
    PgTargets missed = PgTargets.none().rateAtLeast(420_000, 500_000).p99AtMostMs(12_100, 20);

    assertThat(met.text()).isEqualTo("targets: >= 2x baseline (2.31x) met, p99 <= 20 ms (12.1 ms) met");
    assertThat(met.allMet()).isTrue();
    assertThat(missed.text()).isEqualTo("targets: >= 500,000 events/s (420000) MISSED, p99 <= 20 ms (12.1 ms) met");
    assertThat(missed.allMet()).isFalse();
    assertThat(PgTargets.none().ratioAtLeast(0.69, 0.7).text()).isEqualTo("targets: >= 0.7x baseline (0.69x) MISSED");
  }

  @Test
  void the_append_breakdown_divides_by_groups_and_by_the_run() {
    PgAppendBreakdown before = new PgAppendBreakdown(10, 100, 0, 0, 0, 5, 1);
    PgAppendBreakdown after = new PgAppendBreakdown(110, 4_100, 100_000_000, 300_000_000, 100_000_000, 65, 3);

    assertThat(after.since(before).text(1.0)).isEqualTo("where the time goes: 100 groups (60 in one round trip, 2"
        + " refused and redone in two), 40.0 events/commit,"
        + " a COMMIT every 10.00 ms;"
        + " per group 1.00 ms head lock + lookup (20% of the group time), 3.00 ms deciding and encoding, 1.00 ms"
        + " insert + COMMIT; writers busy 50% of the run (summed over writer threads)");
  }

  @Test
  void paced_sends_are_each_made_once_and_never_faster_than_the_rate_asked() throws Exception {
    ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();

    PacedSender.Outcome o = PacedSender.run(50, 200, 1_000, 3, (seq, thread) -> seen.add(seq));

    assertThat(seen).hasSize(250).doesNotHaveDuplicates();
    assertThat(o.calls().count()).isEqualTo(200);
    assertThat(o.seconds()).isGreaterThanOrEqualTo(0.199); // the last measured send is due 199 ms after the first
    assertThat(o.perSecond()).isLessThanOrEqualTo(1_000 * 1.01);
    assertThat(o.startedUs()).hasSize(250).doesNotContain(0L);
    for (int i = 0; i < 250; i++) {
      assertThat(o.doneUs()[i]).isGreaterThanOrEqualTo(o.startedUs()[i]);
    }
  }

  @Test
  void the_live_payload_is_256_bytes_of_json_carrying_the_send_number() {
    byte[] data = PgLiveDelivery.payload(4711);

    assertThat(data).hasSize(256);
    assertThat(Json.of(data).unsafeBytes()).isEqualTo(data); // valid JSON
    assertThat(PgLiveListener.seqOf(data)).isEqualTo(4711);
    assertThat(PgLiveListener.seqOf("{}".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
  }
}
