package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.ChainHash;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKafka.class)
class CloudEventsFormatTest {

  private static final UUID STORE = UUID.fromString("7f6d1c1e-2a49-4a4e-9a57-1b1b8b6f0c11");

  private static StoredEvent event(long position, String stream, byte[] hash) {
    RecordedEvent e = new RecordedEvent(UUID.randomUUID(), stream, position, position, "Deposited",
        Json.of("{\"amount\":12, \"note\":\"caf\u00e9\"}"), Json.of("{\"user\":\"ann\"}"),
        Instant.parse("2026-03-15T10:00:00.123456Z"), Instant.parse("2026-03-01T00:00:00Z"));
    return new StoredEvent(e, 2, (int) (position - 1) % 2, false, hash);
  }

  @Test
  void a_record_round_trips_through_a_real_broker_with_every_field(LocalKafka kafka) {
    String topic = "format-" + UUID.randomUUID();
    kafka.createTopic(topic, 3);
    byte[] hash = ChainHash.genesis();
    hash[0] = 7;
    List<StoredEvent> sent = List.of(event(1, "account-1", hash), event(2, "account-\u00e9", hash));
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (StoredEvent s : sent) {
        producer.send(CloudEventsFormat.toRecord(topic, STORE, s));
      }
      producer.flush();
    }
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.size() < 2 && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    assertThat(got).hasSize(2);
    for (ConsumerRecord<byte[], byte[]> r : got) {
      StoredEvent back = CloudEventsFormat.fromRecord(r);
      StoredEvent original = sent.stream().filter(s -> s.event().id().equals(back.event().id())).findFirst().orElseThrow();
      assertThat(back).isEqualTo(original);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(original.event().stream());
      assertThat(r.value()).isEqualTo(original.event().data().bytes());
      assertThat(CloudEventsFormat.storeId(r)).isEqualTo(STORE);
      assertThat(new String(r.headers().lastHeader("ce_specversion").value(), StandardCharsets.UTF_8)).isEqualTo("1.0");
      assertThat(new String(r.headers().lastHeader("ce_time").value(), StandardCharsets.UTF_8))
          .isEqualTo("2026-03-15T10:00:00.123456Z");
      r.headers().forEach(h -> assertThat(h.key()).matches("content-type|ce_[a-z0-9]+"));
    }
  }

  @Test
  void a_record_without_annals_headers_is_refused_naming_where_it_is() {
    var r = new ConsumerRecord<byte[], byte[]>("orders", 2, 41, "k".getBytes(), "{}".getBytes());
    assertThatThrownBy(() -> CloudEventsFormat.fromRecord(r))
        .isInstanceOf(CloudEventsFormat.MalformedRecordException.class)
        .hasMessageContaining("orders-2 offset 41")
        .hasMessageContaining("ce_id");
  }
}
