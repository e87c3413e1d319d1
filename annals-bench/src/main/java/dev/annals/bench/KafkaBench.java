package dev.annals.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.core.StoredEvent;
import dev.annals.kafka.CloudEventsFormat;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventSource;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared pieces of the kafka rows: a warm store of realistic events, topics, clients, a committed-read check. */
final class KafkaBench {

  /** Partitions of every events topic the rows make: two per member of a three-member consumer group. */
  static final int PARTITIONS = 6;
  /** Streams the warm store's events are spread over (accounts of a ledger). */
  static final int STREAMS = 10_000;

  private KafkaBench() {}

  /**
   * Fills a fresh log store with {@code events} ledger events of a realistic size (about 110 B of data and
   * 230 B of the metadata the command handler writes), one to four per append over {@value #STREAMS}
   * streams, without fsync (the rows read it, they do not measure writing it).
   */
  static Path warmStore(BenchEnv env, String name, int events) throws Exception {
    Path dir = env.newDir(name);
    try (LogEventStore store = Annals.open(dir, LogOptions.defaults().withFsync("never"))) {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      int written = 0;
      for (int append = 0; written < events; append++) {
        int n = Math.min(1 + append % 4, events - written);
        String commandId = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        String stream = "account-" + rnd.nextInt(STREAMS);
        List<EventData> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(ledgerEvent(rnd, stream, written + i, commandId));
        }
        store.append(stream, ExpectedVersion.ANY, batch);
        written += n;
      }
    }
    return dir;
  }

  private static EventData ledgerEvent(ThreadLocalRandom rnd, String stream, int i, String commandId) {
    boolean credit = i % 3 != 2;
    ObjectNode data = JsonNodeFactory.instance.objectNode()
        .put("account", stream).put("amount", 1 + rnd.nextInt(100_000)).put("currency", "EUR")
        .put("memo", (credit ? "credit" : "debit") + " entry " + i).put("reference", "INV-" + rnd.nextInt(1_000_000));
    ObjectNode meta = JsonNodeFactory.instance.objectNode()
        .put("schema", 1).put("commandId", commandId).put("correlationId", commandId).put("causationId", commandId)
        .put("actor", "teller-" + rnd.nextInt(50)).put("reason", "bench");
    return new EventData(new UUID(rnd.nextLong(), rnd.nextLong()), credit ? "Credited" : "Debited", Json.of(data),
        Json.of(meta), Optional.empty());
  }

  /** Every stored event of the closed store in {@code dir}, in position order. */
  static List<StoredEvent> storedEvents(Path dir) {
    List<StoredEvent> out = new ArrayList<>();
    try (LogEventSource source = LogEventSource.open(dir)) {
      source.forEach(out::add);
    }
    return out;
  }

  /** Bytes a record of {@code e} carries (key, value, header names and values), for the row's note. */
  static long recordBytes(StoredEvent e) {
    var r = CloudEventsFormat.toRecord("t", new UUID(0, 0), e);
    long n = r.key().length + r.value().length;
    for (var h : r.headers()) {
      n += h.key().length() + h.value().length;
    }
    return n;
  }

  /**
   * A progress record as the exporter writes one with each transaction: key {@code STOREID/TOPIC}, value
   * {@code {"position":N,"hash":"HEX","partitions":P}}.
   */
  static ProducerRecord<byte[], byte[]> progressRecord(String topic, UUID storeId, long position, byte[] hash) {
    String value = "{\"position\":" + position + ",\"hash\":\"" + ChainHash.hex(hash) + "\",\"partitions\":"
        + PARTITIONS + "}";
    return new ProducerRecord<>(topic + ExportSettings.PROGRESS_SUFFIX, (storeId + "/" + topic)
        .getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * How the producer with {@code clientId} (alive in this JVM) batched: records per produce request and
   * bytes per batch, averaged by Kafka's own metrics (read through JMX, so the exporter needs no hook),
   * e.g. {@code "41.2 records/request, 7530 B/batch"}; "no metrics" when it has none.
   */
  static String batching(String clientId) {
    try {
      var server = ManagementFactory.getPlatformMBeanServer();
      var name = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + ObjectName.quote(clientId));
      if (!server.isRegistered(name)) {
        name = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
      }
      double perRequest = ((Number) server.getAttribute(name, "records-per-request-avg")).doubleValue();
      double batchBytes = ((Number) server.getAttribute(name, "batch-size-avg")).doubleValue();
      return String.format(Locale.ROOT, "%.1f records/request, %.0f B/batch", perRequest, batchBytes);
    } catch (JMException e) {
      return "no metrics";
    }
  }

  /** An events topic of {@value #PARTITIONS} partitions and its compacted progress topic. */
  static void createTopics(LocalKafka kafka, String topic, String progressTopic) {
    kafka.createCompactedTopic(progressTopic);
    createTopic(kafka, topic);
    awaitTopic(kafka, progressTopic, 1);
  }

  /**
   * An events topic of {@value #PARTITIONS} partitions, returned once the broker describes it with a leader
   * for every partition: the creation call returns when the controller has it, and a client asking the
   * broker a moment later may still be told it does not exist.
   */
  static void createTopic(LocalKafka kafka, String topic) {
    kafka.createTopic(topic, PARTITIONS);
    awaitTopic(kafka, topic, PARTITIONS);
  }

  private static void awaitTopic(LocalKafka kafka, String topic, int partitions) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Admin admin = kafka.admin()) {
      while (true) {
        try {
          TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
          if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
            return;
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw new IllegalStateException("describing " + topic + ": " + e.getCause(), e.getCause());
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the topic " + topic + " was created but is not ready after 30 s");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A transactional producer of bytes for the rows' raw sides, set up as the exporter sets up its own
   * (idempotent, acks=all, no linger, 256 KiB batches), so the two sides differ only in what the exporter
   * adds: reading the store, building records, its checks and its loop.
   */
  static KafkaProducer<byte[], byte[]> transactionalProducer(LocalKafka kafka, String transactionalId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A {@code read_committed} consumer without a group, assigned every partition of {@code topic} from the start. */
  static KafkaConsumer<byte[], byte[]> committedReader(LocalKafka kafka, String topic) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    // The OS's auto-tuned socket buffer, as Kafka-fed projections use (see KafkaProjectionRunner).
    p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1);
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info : c.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, info.partition()));
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /**
   * Reads {@code topic} read_committed until it has seen {@code events} Annals records and fails unless
   * they carry each position 1..events exactly once: the row's proof that what it timed arrived whole.
   */
  static void checkExactlyOnce(LocalKafka kafka, String topic, int events, Duration patience) {
    BitSet seen = new BitSet(events + 1);
    int count = 0;
    long deadline = System.nanoTime() + patience.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = committedReader(kafka, topic)) {
      while (count < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          long position = CloudEventsFormat.fromRecord(r).event().position();
          if (position < 1 || position > events || seen.get((int) position)) {
            throw new IllegalStateException(topic + " holds position " + position + " twice or out of 1.." + events);
          }
          seen.set((int) position);
          count++;
        }
      }
    }
    if (count != events) {
      throw new IllegalStateException(topic + " holds " + count + " committed events, not " + events);
    }
  }
}
