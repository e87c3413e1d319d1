package dev.annals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-side and time-travel workloads run in quick mode and report both rows each (they check their own results). */
class CqrsWorkloadsTest {

  @TempDir
  Path scratch;

  BenchEnv env() {
    return new BenchEnv(true, scratch, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void aggregate_load_reports_a_row_with_and_a_row_without_snapshot() throws Exception {
    List<BenchResult> rows = new AggregateLoad().run(env());
    assertThat(rows).extracting(BenchResult::store).containsExactly("in-memory, no snapshot", "in-memory + snapshot");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.workload()).isEqualTo("aggregate-load-10000");
      assertThat(r.p50Us()).isPositive();
      assertThat(r.baselineEventsPerS()).isPositive();
      assertThat(r.note()).startsWith("quick:");
    });
  }

  @Test
  void state_known_at_reports_rows_with_and_without_snapshots() throws Exception {
    List<BenchResult> rows = new StateKnownAt().run(env());
    assertThat(rows).extracting(BenchResult::store).containsExactly("in-memory + snapshots", "in-memory, no snapshot");
    assertThat(rows).allSatisfy(r -> assertThat(r.p50Us()).isPositive());
  }

  @Test
  void both_are_registered() {
    assertThat(Workloads.all()).extracting(Workload::name).contains("aggregate-load-10000", "state-known-at-10000");
  }
}
