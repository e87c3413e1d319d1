package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.kafka.local.LocalKafka;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two stores export to one topic and so share its progress topic; one store's exporter dies with a
 * transaction open. The other's restart must not stop reading at that transaction (the last stable offset):
 * its own later progress lies beyond it, and missing it would export everything again.
 */
@ExtendWith(TestKafka.class)
class SharedProgressTopicTest {

  @Test
  void a_restart_waits_for_another_stores_open_transaction_and_resumes_from_its_own_last_commit(LocalKafka kafka)
      throws Exception {
    String topic = Exporting.topic("shared");
    kafka.createTopic(topic, 1);
    kafka.createCompactedTopic(topic + ExportSettings.PROGRESS_SUFFIX);
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
    InMemoryEventStore store = new InMemoryEventStore();
    Exporting.append(store, 10, 2, "a");
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "another-store-" + topic);
    try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      other.initTransactions();
      long head;
      try (KafkaExporter exporter = KafkaExporter.start(store, settings)) {
        Exporting.awaitCaughtUp(exporter, store.headPosition());
        other.beginTransaction(); // another store's exporter, stuck with its progress record written
        other.send(new ProducerRecord<>(settings.progressTopic(), "other/x".getBytes(), "{}".getBytes())).get();
        Exporting.append(store, 10, 2, "b"); // committed with progress after the open transaction's record
        head = store.headPosition();
        Exporting.awaitCaughtUp(exporter, head);
      }
      CompletableFuture<KafkaExporter> restart = CompletableFuture.supplyAsync(() -> KafkaExporter.start(store, settings));
      assertThatThrownBy(() -> restart.get(1500, TimeUnit.MILLISECONDS)) // waits for the open transaction
          .isInstanceOf(TimeoutException.class);
      other.abortTransaction(); // the stuck transaction ends (as Kafka's transaction timeout would end it)
      try (KafkaExporter exporter = restart.get()) {
        assertThat(exporter.status().exportedPosition()).isEqualTo(head);
      }
    }
    ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(store);
  }
}
