package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.kafka.local.LocalKafka;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A caught-up exporter is woken by the store's commit and commits at once: no polling delay. */
@ExtendWith(TestKafka.class)
class ExportLatencyTest {

  @Test
  void an_append_reaches_a_read_committed_consumer_promptly(LocalKafka kafka) {
    String topic = Exporting.topic("latency");
    kafka.createTopic(topic, 1);
    InMemoryEventStore store = new InMemoryEventStore();
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    int n = 50;
    long[] micros = new long[n];
    try (KafkaExporter exporter = KafkaExporter.start(store, ExportSettings.of(kafka.bootstrap(), topic));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      consumer.poll(Duration.ofMillis(50));
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        store.append("s", ExpectedVersion.ANY, EventData.of("Happened", Json.of("{\"i\":" + i + "}")));
        long deadline = t0 + Duration.ofSeconds(10).toNanos();
        boolean seen = false;
        while (!seen) {
          assertThat(System.nanoTime()).as("event %d reaches the consumer", i).isLessThan(deadline);
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
            seen |= CloudEventsFormat.fromRecord(r).event().position() == i + 1;
          }
        }
        micros[i] = (System.nanoTime() - t0) / 1000;
      }
      assertThat(exporter.status().failure()).isEmpty();
    }
    Arrays.sort(micros);
    long p50 = micros[n / 2];
    long p99 = micros[n * 99 / 100];
    System.out.printf("append -> read_committed consumer, one at a time: p50 %.1f ms, p99 %.1f ms%n", p50 / 1e3,
        p99 / 1e3);
    assertThat(p50).as("median append -> consumer, microseconds").isLessThan(200_000);
  }
}
