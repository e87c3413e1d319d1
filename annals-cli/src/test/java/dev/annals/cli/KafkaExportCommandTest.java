package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import dev.annals.kafka.KafkaExporter;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.TestPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals kafka-export}: a happy path in a child JVM (exports a data directory's events, stops
 * cleanly on SIGTERM), and each refusal in one line with a non-zero exit: missing and bad options, a
 * missing store, an unknown topic, an unreachable broker, a second exporter of one store.
 */
@ExtendWith(CliKafka.class)
class KafkaExportCommandTest {

  @TempDir Path tmp;

  @Test
  void exports_every_event_of_a_data_directory_and_stops_cleanly_on_sigterm(LocalKafka kafka) throws Exception {
    Path data = tmp.resolve("data");
    List<RecordedEvent> events;
    try (LogEventStore log = Annals.open(data)) {
      for (int i = 0; i < 30; i++) {
        log.append("order-" + (i % 3), ExpectedVersion.ANY, new EventData(UUID.randomUUID(), "Placed",
            Json.of("{\"n\":" + i + "}"), Json.EMPTY_OBJECT, Optional.empty()));
      }
      events = log.readAll(1, Direction.FORWARD, 100, Filter.all()).events();
    }
    String topic = topic(kafka);
    try (ExportProcess export = new ExportProcess("--data", data.toString(), "--bootstrap", kafka.bootstrap(),
        "--topic", topic)) {
      assertThat(export.awaitExporting(60)).as(export.output()).isTrue();
      List<ExportedRecords.Exported> seen = List.of();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (seen.size() < events.size() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        seen = ExportedRecords.readAll(kafka.bootstrap(), topic);
      }
      assertThat(seen).as(export.output()).hasSize(events.size());
      for (ExportedRecords.Exported r : seen) {
        RecordedEvent e = events.get((int) r.position() - 1);
        assertThat(r.stream()).isEqualTo(e.stream());
        assertThat(r.headers()).containsEntry("ce_id", e.id().toString()).containsEntry("ce_type", "Placed");
        assertThat(r.data()).isEqualTo(e.data().bytes());
      }
      export.close(); // SIGTERM: the shutdown hook ends the transaction and gives up the role
      assertThat(export.output()).contains("annals: stopped; position 30 is the last one in Kafka")
          .doesNotContain("Exception");
    }
  }

  @Test
  void the_progress_line_says_the_exported_position_the_lag_and_the_rate() {
    ExportStatus behind = new ExportStatus("orders", 1200, 1300, 5012.4, ExportStatus.State.RUNNING, Optional.empty());
    assertThat(KafkaExportCommand.step(behind)).isEqualTo("exporting to orders");
    assertThat(KafkaExportCommand.count(behind)).isEqualTo("position 1,200 of 1,300 (100 behind), 5,012 events/s");
    ExportStatus caughtUp = new ExportStatus("orders", 1300, 1300, 0, ExportStatus.State.RUNNING, Optional.empty());
    assertThat(KafkaExportCommand.count(caughtUp)).isEqualTo("position 1,300 of 1,300 (caught up), 0 events/s");
    ExportStatus resuming = new ExportStatus("orders", 1300, 1400, 0, ExportStatus.State.STARTING,
        Optional.of("retrying after: the broker is away"));
    assertThat(KafkaExportCommand.step(resuming)).isEqualTo("starting the export to orders");
    assertThat(KafkaExportCommand.count(resuming)).isEqualTo("position 1,300; retrying after: the broker is away");
  }

  @Test
  void missing_options_are_refused_with_what_to_give() {
    CliRun noTopic = run("kafka-export", "--data", tmp.toString(), "--bootstrap", "127.0.0.1:9092");
    assertThat(noTopic.exit()).isEqualTo(2);
    assertThat(noTopic.err()).startsWith("Missing required option: '--topic=NAME'");
    CliRun noStore = run("kafka-export", "--bootstrap", "127.0.0.1:9092", "--topic", "t");
    assertThat(noStore.exit()).isEqualTo(2);
    assertThat(noStore.err().strip()).isEqualTo("error: kafka-export needs the store to export: --data DIR or --store URL");
    CliRun both = run("kafka-export", "--data", tmp.toString(), "--store", "postgresql://u@h:5432/db",
        "--bootstrap", "127.0.0.1:9092", "--topic", "t");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err().strip()).isEqualTo("error: give --data or --store, not both");
  }

  @Test
  void bad_values_and_a_missing_store_are_one_line_each() {
    CliRun badTopic = run("kafka-export", "--data", tmp.toString(), "--bootstrap", "127.0.0.1:9092", "--topic", "a b");
    assertThat(badTopic.exit()).isEqualTo(2);
    assertThat(badTopic.err().strip()).startsWith("error: topic 'a b' is not a Kafka topic name").hasLineCount(1);
    CliRun sameTopics = run("kafka-export", "--data", tmp.toString(), "--bootstrap", "127.0.0.1:9092", "--topic", "t",
        "--progress-topic", "t");
    assertThat(sameTopics.exit()).isEqualTo(2);
    assertThat(sameTopics.err().strip()).startsWith("error: the progress topic must differ").hasLineCount(1);
    CliRun blank = run("kafka-export", "--data", tmp.toString(), "--bootstrap", " ", "--topic", "t");
    assertThat(blank.exit()).isEqualTo(2);
    assertThat(blank.err().strip()).startsWith("error: ").contains("bootstrap").hasLineCount(1);
    CliRun noDir = run("kafka-export", "--data", tmp.resolve("nope").toString(), "--bootstrap", "127.0.0.1:9092",
        "--topic", "t");
    assertThat(noDir.exit()).isEqualTo(2);
    assertThat(noDir.err().strip()).startsWith("error: no data directory at ").hasLineCount(1);
    assertThat(tmp.resolve("nope")).doesNotExist();
  }

  @Test
  void an_unknown_topic_is_refused_in_one_line_naming_it(LocalKafka kafka) throws Exception {
    String topic = "never-created-" + UUID.randomUUID();
    String output = refused("--data", store().toString(), "--bootstrap", kafka.bootstrap(), "--topic", topic);
    assertThat(output).startsWith("error: the topic '" + topic + "' does not exist on " + kafka.bootstrap());
  }

  @Test
  void an_unreachable_broker_is_refused_in_one_line_naming_it() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    String output = refused("--data", store().toString(), "--bootstrap", "127.0.0.1:" + port, "--topic", "t",
        "--kafka-property", "default.api.timeout.ms=2000");
    assertThat(output).startsWith("error: cannot reach Kafka at 127.0.0.1:" + port + " within 2000 ms");
  }

  @Test
  void a_second_exporter_of_a_postgresql_store_is_refused_while_the_first_runs(LocalKafka kafka) throws Exception {
    LocalPostgres postgres = TestPostgres.shared();
    String url = postgres.url(postgres.createDatabase()).toString();
    String topic = topic(kafka);
    try (PostgresEventStore store = PostgresEventStore.open(url);
        KafkaExporter first = KafkaExporter.start(store, ExportSettings.of(kafka.bootstrap(), topic))) {
      String output = refused("--store", url, "--bootstrap", kafka.bootstrap(), "--topic", topic);
      assertThat(output).startsWith("error: another exporter of this store to the topic '" + topic + "' is running");
      assertThat(first.status().state()).isEqualTo(ExportStatus.State.RUNNING);
    }
  }

  /**
   * Runs the command in its own JVM, logging as the shipped CLI does, and returns its whole output, which must
   * be one line, with exit code 2.
   */
  private static String refused(String... args) throws Exception {
    try (ExportProcess export = new ExportProcess(args)) {
      assertThat(export.awaitExit(60)).as(export.output()).isTrue();
      assertThat(export.process.exitValue()).as(export.output()).isEqualTo(2);
      assertThat(export.lines).as("the whole output").hasSize(1);
      return export.lines.getFirst();
    }
  }

  /** A data directory holding one event. */
  private Path store() {
    Path data = tmp.resolve("store");
    try (LogEventStore log = Annals.open(data)) {
      log.append("s-1", ExpectedVersion.ANY, new EventData(UUID.randomUUID(), "A", Json.of("1"), Json.EMPTY_OBJECT,
          Optional.empty()));
    }
    return data;
  }

  /** A new topic of 3 partitions and its progress topic. */
  static String topic(LocalKafka kafka) {
    String topic = "export-" + UUID.randomUUID();
    kafka.createTopic(topic, 3);
    kafka.createCompactedTopic(topic + ExportSettings.PROGRESS_SUFFIX);
    return topic;
  }
}
