package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each way an exporter refuses to start or to go on, and what its message tells the user. */
@ExtendWith(TestKafka.class)
class ExportRefusalTest {

  @Test
  void a_store_restored_behind_kafka_or_with_another_history_is_refused_naming_the_positions(LocalKafka kafka,
      @TempDir Path tmp) {
    String topic = Exporting.topic("restore");
    kafka.createTopic(topic, 2);
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    Path live = tmp.resolve("live");
    Path backup = tmp.resolve("backup");
    long backedUp;
    try (LogEventStore store = Annals.open(live)) {
      Exporting.append(store, 25, 4, "a");
      backedUp = store.headPosition();
    }
    copyDirectory(live, backup); // a file-level backup: the same store id
    long exported;
    try (LogEventStore store = Annals.open(live)) {
      Exporting.append(store, 25, 4, "b");
      exported = store.headPosition();
      try (KafkaExporter exporter = KafkaExporter.start(store, settings)) {
        Exporting.awaitCaughtUp(exporter, exported);
      }
    }
    try (LogEventStore restored = Annals.open(backup)) {
      assertThatThrownBy(() -> KafkaExporter.start(restored, settings))
          .isInstanceOf(KafkaExportException.class)
          .hasMessageContaining("up to position " + exported)
          .hasMessageContaining("ends at position " + backedUp)
          .hasMessageContaining("restored from an older copy");
      Exporting.append(restored, 30, 4, "c"); // now past what was exported, but another history
      assertThat(restored.headPosition()).isGreaterThan(exported);
      assertThatThrownBy(() -> KafkaExporter.start(restored, settings))
          .isInstanceOf(KafkaExportException.class)
          .hasMessageContaining("event at position " + exported + " has chain hash")
          .hasMessageContaining("a different history");
      // refused before anything was written: the role is free again and the topic untouched
      assertThat(restored.tryAcquireRole(KafkaExporter.role(topic))).isPresent();
    }
    assertThat(ExportedTopic.read(kafka, topic).records()).hasSize((int) exported);
  }

  @Test
  void a_zombie_exporter_is_fenced_by_a_new_one_and_the_topic_holds_each_event_once(LocalKafka kafka,
      @TempDir Path tmp) {
    String topic = Exporting.topic("zombie");
    kafka.createTopic(topic, 3);
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    try (LogEventStore store = Annals.open(first)) {
      Exporting.append(store, 300, 9, "a"); // 600 events: 150 transactions of 4
    }
    copyDirectory(first, second); // the same store (id and events), opened by two "processes"
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(4);
    try (LogEventStore a = Annals.open(first); LogEventStore b = Annals.open(second);
        KafkaExporter zombie = KafkaExporter.start(a, settings)) {
      Exporting.await(zombie, s -> s.exportedPosition() > 0);
      try (KafkaExporter successor = KafkaExporter.start(b, settings)) { // initTransactions fences the zombie
        // The zombie may be mid-backlog or already idle at the head; either way its next transaction, here
        // for events only its copy holds, must be refused, and only the successor's events reach the topic.
        Exporting.append(a, 5, 9, "zombie");
        Exporting.append(b, 5, 9, "successor");
        ExportStatus fenced = Exporting.await(zombie, s -> s.state() == ExportStatus.State.FAILED);
        assertThat(fenced.failure()).get().asString().contains("took over");
        assertThat(fenced.exportedPosition()).isLessThan(b.headPosition());
        ExportStatus done = Exporting.awaitCaughtUp(successor, b.headPosition());
        assertThat(done.state()).isEqualTo(ExportStatus.State.RUNNING);
      }
      ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(b);
    }
  }

  @Test
  void an_idle_zombie_exporter_is_fenced_when_it_wakes(LocalKafka kafka, @TempDir Path tmp) {
    String topic = Exporting.topic("idle-zombie");
    kafka.createTopic(topic, 3);
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    try (LogEventStore store = Annals.open(first)) {
      Exporting.append(store, 30, 9, "a");
    }
    copyDirectory(first, second);
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    try (LogEventStore a = Annals.open(first); LogEventStore b = Annals.open(second);
        KafkaExporter zombie = KafkaExporter.start(a, settings)) {
      Exporting.awaitCaughtUp(zombie, a.headPosition());
      try (KafkaExporter successor = KafkaExporter.start(b, settings)) {
        Exporting.append(a, 5, 9, "zombie");
        ExportStatus fenced = Exporting.await(zombie, s -> s.state() == ExportStatus.State.FAILED);
        assertThat(fenced.failure()).get().asString().contains("took over");
        Exporting.append(b, 5, 9, "successor");
        Exporting.awaitCaughtUp(successor, b.headPosition());
      }
      ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(b);
    }
  }

  @Test
  void two_exporters_of_one_store_started_at_once_one_runs_and_the_other_is_refused(LocalKafka kafka)
      throws Exception {
    String topic = Exporting.topic("race");
    kafka.createTopic(topic, 1);
    InMemoryEventStore store = new InMemoryEventStore();
    Exporting.append(store, 20, 3, "a");
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var latch = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.Callable<Object> start = () -> {
        latch.await();
        try {
          return KafkaExporter.start(store, settings);
        } catch (KafkaExportException e) {
          return e;
        }
      };
      var f1 = pool.submit(start);
      var f2 = pool.submit(start);
      latch.countDown();
      Object r1 = f1.get();
      Object r2 = f2.get();
      assertThat(Stream.of(r1, r2).filter(KafkaExporter.class::isInstance)).hasSize(1);
      KafkaExportException refused = (KafkaExportException) Stream.of(r1, r2)
          .filter(KafkaExportException.class::isInstance).findFirst().orElseThrow();
      assertThat(refused).hasMessageContaining("another exporter of this store");
      try (KafkaExporter running = (KafkaExporter) Stream.of(r1, r2).filter(KafkaExporter.class::isInstance)
          .findFirst().orElseThrow()) {
        Exporting.awaitCaughtUp(running, store.headPosition());
      }
    } finally {
      pool.shutdownNow();
    }
    ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(store);
  }

  @Test
  void an_unreachable_broker_is_refused_within_the_timeout_naming_the_address() {
    ExportSettings settings = ExportSettings.parse("bootstrap=127.0.0.1:1,topic=orders,kafka.default.api.timeout.ms=1500");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> KafkaExporter.start(new InMemoryEventStore(), settings))
        .isInstanceOf(KafkaExportException.class)
        .hasMessageContaining("cannot reach Kafka at 127.0.0.1:1 within 1500 ms");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
  }

  @Test
  void an_unknown_topic_is_refused_saying_how_to_create_it(LocalKafka kafka) {
    String topic = Exporting.topic("missing");
    assertThatThrownBy(() -> KafkaExporter.start(new InMemoryEventStore(), ExportSettings.of(kafka.bootstrap(), topic)))
        .isInstanceOf(KafkaExportException.class)
        .hasMessageContaining("the topic '" + topic + "' does not exist")
        .hasMessageContaining("--create --topic " + topic);
  }

  @Test
  void a_progress_topic_that_kafka_would_delete_is_refused_and_a_missing_one_is_made_compacted(LocalKafka kafka)
      throws Exception {
    String topic = Exporting.topic("progress");
    kafka.createTopic(topic, 1);
    kafka.createTopic(topic + ".kept-for-a-week", 1);
    InMemoryEventStore store = new InMemoryEventStore();
    assertThatThrownBy(() -> KafkaExporter.start(store,
        ExportSettings.parse("bootstrap=" + kafka.bootstrap() + ",topic=" + topic + ",progress-topic=" + topic
            + ".kept-for-a-week")))
        .isInstanceOf(KafkaExportException.class)
        .hasMessageContaining("cleanup.policy=delete")
        .hasMessageContaining("--add-config cleanup.policy=compact");
    try (KafkaExporter exporter = KafkaExporter.start(store, ExportSettings.of(kafka.bootstrap(), topic))) {
      var r = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
          topic + ".annals-progress");
      try (var admin = kafka.admin()) {
        assertThat(admin.describeConfigs(java.util.List.of(r)).all().get().get(r).get("cleanup.policy").value())
            .isEqualTo("compact");
      }
    }
  }

  @Test
  void a_topic_whose_partition_count_changed_since_the_export_began_is_refused(LocalKafka kafka) throws Exception {
    String topic = Exporting.topic("partitions");
    kafka.createTopic(topic, 2);
    InMemoryEventStore store = new InMemoryEventStore();
    Exporting.append(store, 10, 3, "a");
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    try (KafkaExporter exporter = KafkaExporter.start(store, settings)) {
      Exporting.awaitCaughtUp(exporter, store.headPosition());
    }
    try (var admin = kafka.admin()) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
    }
    assertThatThrownBy(() -> KafkaExporter.start(store, settings))
        .isInstanceOf(KafkaExportException.class)
        .hasMessageContaining("has 3 partitions but had 2 when this store's export began");
  }

  static void copyDirectory(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
