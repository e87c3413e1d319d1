package dev.annals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.kafka.TestKafka;
import dev.annals.kafka.local.LocalKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka rows at tiny sizes on the test run's in-process broker: each produces its row beside its
 * baseline, and the checks each workload makes of its own results (both sides' topics hold every
 * position once, every live record arrives, both read models count every event) hold, or the row would
 * have failed.
 */
@ExtendWith(TestKafka.class)
class KafkaWorkloadsTest {

  @TempDir
  Path scratch;

  BenchEnv env(LocalKafka kafka) {
    return new BenchEnv(true, scratch, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        BenchPostgres.none("not needed"), BenchKafka.of(kafka));
  }

  static BenchResult onlyRow(List<BenchResult> rows) {
    assertThat(rows).hasSize(1);
    BenchResult row = rows.getFirst();
    assertThat(row.isSkipped()).as(row.note()).isFalse();
    assertThat(row.eventsPerS()).isPositive();
    assertThat(row.baselineEventsPerS()).isPositive();
    assertThat(row.note()).endsWith("; quick");
    return row;
  }

  @Test
  void without_kafka_every_kafka_row_is_skipped_saying_why() throws Exception {
    BenchEnv env = new BenchEnv(false, scratch, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        BenchPostgres.none("not needed"), BenchKafka.none("the broker did not start"));

    for (Workload w : List.of(new KafkaExport(), new KafkaEndToEnd(), new KafkaProjection())) {
      assertThat(w.run(env)).singleElement().satisfies(r -> {
        assertThat(r.isSkipped()).isTrue();
        assertThat(BenchRunner.row(r)).contains(w.name(), "skipped: the broker did not start");
      });
    }
  }

  @Test
  void every_kafka_row_is_registered_by_its_name() {
    assertThat(Workloads.all()).extracting(Workload::name).contains("kafka-export", "kafka-end-to-end", "kafka-projection");
  }

  @Test
  void export_reports_the_exporter_beside_the_raw_producer(LocalKafka kafka) throws Exception {
    BenchResult row = onlyRow(new KafkaExport(e -> KafkaSizes.tiny()).run(env(kafka)));

    assertThat(row.workload()).isEqualTo("kafka-export");
    assertThat(row.baseline()).isEqualTo("raw-tx-producer");
    assertThat(row.note()).contains(">= 0.7x baseline", "every position once");
  }

  @Test
  void end_to_end_measures_append_to_committed_consumer_latency(LocalKafka kafka) throws Exception {
    BenchResult row = onlyRow(new KafkaEndToEnd(e -> KafkaSizes.tiny()).run(env(kafka)));

    assertThat(row.workload()).isEqualTo("kafka-end-to-end");
    assertThat(row.p50Us()).isPositive();
    assertThat(row.p99Us()).isGreaterThanOrEqualTo(row.p50Us());
    assertThat(row.note()).contains("p99 <= 50 ms", "baseline (raw transactional producer");
  }

  @Test
  void projection_reports_a_three_member_group_beside_the_store_fed_runner(LocalKafka kafka) throws Exception {
    BenchResult row = onlyRow(new KafkaProjection(e -> KafkaSizes.tiny()).run(env(kafka)));

    assertThat(row.workload()).isEqualTo("kafka-projection");
    assertThat(row.baseline()).isEqualTo("store-runner+sqlite");
    assertThat(row.note()).contains("3 group members", "both read models count every event");
  }

  @Test
  void the_send_time_is_read_back_from_the_payload() {
    assertThat(CommittedLatency.sentMicros(CommittedLatency.payload(1_733_000_000_123_456L)))
        .isEqualTo(1_733_000_000_123_456L);
  }
}
