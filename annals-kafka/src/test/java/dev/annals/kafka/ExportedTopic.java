package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventReader;
import dev.annals.kafka.local.LocalKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What a read_committed consumer sees in a topic, read to its end (tests). */
record ExportedTopic(List<ConsumerRecord<byte[], byte[]>> records) {

  /** Every committed record of {@code topic}, each partition read to its last stable offset. */
  static ExportedTopic read(LocalKafka kafka, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return new ExportedTopic(out);
  }

  List<StoredEvent> events() {
    return records.stream().map(CloudEventsFormat::fromRecord).toList();
  }

  /**
   * Each of the store's positions 1..head exactly once, each equal to the stored event, each stream's
   * versions in order within its partition.
   */
  void assertExactlyTheLogOf(StoredEventReader store) {
    long head = store.headPosition();
    TreeMap<Long, StoredEvent> byPosition = new TreeMap<>();
    Map<String, Long> lastVersion = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      StoredEvent e = CloudEventsFormat.fromRecord(r);
      long position = e.event().position();
      assertThat(byPosition.put(position, e)).as("position %d seen twice", position).isNull();
      String stream = e.event().stream();
      assertThat(partitionOf.computeIfAbsent(stream, s -> r.partition())).as("partition of %s", stream)
          .isEqualTo(r.partition());
      long previous = lastVersion.getOrDefault(stream, 0L);
      assertThat(e.event().version()).as("version after %d in %s", previous, stream).isEqualTo(previous + 1);
      lastVersion.put(stream, e.event().version());
    }
    assertThat(byPosition.size()).as("events in the topic").isEqualTo(head);
    if (head > 0) {
      assertThat(byPosition.firstKey()).isEqualTo(1);
      assertThat(byPosition.lastKey()).isEqualTo(head);
    }
    for (long p = 1; p <= head; p += 1000) {
      for (StoredEvent stored : store.readStored(p, 1000)) {
        assertThat(byPosition.get(stored.event().position())).isEqualTo(stored);
      }
    }
  }
}
