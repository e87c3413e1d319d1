package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKafka.class)
class KafkaExporterTest {

  @Test
  void exports_each_event_once_and_resumes_after_a_restart_of_store_and_exporter(LocalKafka kafka,
      @TempDir Path dir) {
    String topic = Exporting.topic("resume");
    kafka.createTopic(topic, 3);
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(70);
    try (LogEventStore store = Annals.open(dir)) {
      Exporting.append(store, 150, 7, "a");
      try (KafkaExporter exporter = KafkaExporter.start(store, settings)) {
        Exporting.append(store, 50, 7, "b"); // while it runs: caught up and woken again
        ExportStatus s = Exporting.awaitCaughtUp(exporter, store.headPosition());
        assertThat(s.state()).isEqualTo(ExportStatus.State.RUNNING);
        assertThat(s.lag()).isZero();
      }
      Exporting.append(store, 300, 7, "c"); // exported only by the next runs
      try (KafkaExporter stoppedMidway = KafkaExporter.start(store, settings.withMaxEventsPerTransaction(3))) {
        Exporting.await(stoppedMidway, s -> s.exportedPosition() > 0); // closed with transactions to go
      }
    }
    try (LogEventStore store = Annals.open(dir);
        KafkaExporter exporter = KafkaExporter.start(store, settings)) {
      assertThat(exporter.status().exportedPosition()).isBetween(1L, store.headPosition() - 1);
      ExportStatus s = Exporting.awaitCaughtUp(exporter, store.headPosition());
      assertThat(s.exportedPosition()).isEqualTo(store.headPosition());
      assertThat(s.failure()).isEmpty();
      exporter.close();
      assertThat(exporter.status().state()).isEqualTo(ExportStatus.State.STOPPED);
      ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(store);
    }
  }

  @Test
  void a_second_exporter_of_the_same_store_and_topic_is_refused_while_the_first_runs(LocalKafka kafka) {
    String topic = Exporting.topic("role");
    kafka.createTopic(topic, 1);
    InMemoryEventStore store = new InMemoryEventStore();
    Exporting.append(store, 10, 2, "a");
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    try (KafkaExporter first = KafkaExporter.start(store, settings)) {
      assertThatThrownBy(() -> KafkaExporter.start(store, settings))
          .isInstanceOf(KafkaExportException.class)
          .hasMessageContaining("another exporter of this store to the topic '" + topic + "' is running");
      Exporting.awaitCaughtUp(first, store.headPosition());
    }
    try (KafkaExporter again = KafkaExporter.start(store, settings)) { // the role was released
      Exporting.append(store, 5, 2, "b");
      assertThat(Exporting.awaitCaughtUp(again, store.headPosition()).exportedPosition()).isEqualTo(store.headPosition());
    }
    ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(store);
  }
}
