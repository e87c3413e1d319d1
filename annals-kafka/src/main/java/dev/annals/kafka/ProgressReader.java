package dev.annals.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a progress topic to its end, {@code read_committed}, for one store's key: the last position (and
 * its hash) that an exporter of this store committed. Run after {@code initTransactions()}, which
 * completes or aborts whatever transaction an earlier exporter of this store left open. The end is the
 * high watermark, not the last stable offset: another store's exporter sharing the topic may hold a
 * transaction open (a crashed one, until its transaction timeout), and this store's last commit may lie
 * after that transaction's start, so the reading waits until every transaction open at its start ended.
 */
final class ProgressReader {

  private ProgressReader() {
  }

  /** The last committed progress under {@code key}; {@link ExportProgress#none} when there is none. */
  static ExportProgress read(ExportSettings s, byte[] key, int partitions) {
    Duration timeout = ExportTopics.timeout(s);
    Map<String, Object> props = ExportTopics.clientProperties(s,
        "annals-export-progress-" + new String(key, java.nio.charset.StandardCharsets.UTF_8));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ExportProgress last = ExportProgress.none(partitions);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(s.progressTopic(), timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = highWatermarks(props, tps, timeout);
      Duration patience = timeout.multipliedBy(3).plus(ExportSession.TRANSACTION_TIMEOUT);
      long deadline = System.nanoTime() + patience.toNanos();
      while (!atEnd(consumer, end, timeout)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaExportException("reading the progress topic '" + s.progressTopic() + "' to its end took"
              + " longer than " + patience.toMillis() + " ms (a transaction of another exporter stays open, or the"
              + " brokers are slow); try again once that exporter's transaction timed out");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (Arrays.equals(r.key(), key) && r.value() != null) {
            ExportProgress p = decode(s, r);
            if (p.position() >= last.position()) {
              last = p;
            }
          }
        }
      }
      return last;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new KafkaExportException("reading the progress topic '" + s.progressTopic() + "' on " + s.bootstrap()
          + " took longer than " + timeout.toMillis() + " ms; check that its brokers are up", e);
    } catch (KafkaException e) {
      throw new KafkaExportException("reading the progress topic '" + s.progressTopic() + "' on " + s.bootstrap()
          + " failed: " + ExportTopics.rootMessage(e), e);
    }
  }

  /** Each partition's end including records of open transactions. */
  private static Map<TopicPartition, Long> highWatermarks(Map<String, Object> committedProps, List<TopicPartition> tps,
      Duration timeout) {
    Map<String, Object> props = new java.util.HashMap<>(committedProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.toString());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, committedProps.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-end");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      return c.endOffsets(tps, timeout);
    }
  }

  private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
      Duration timeout) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), timeout) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static ExportProgress decode(ExportSettings s, ConsumerRecord<byte[], byte[]> r) {
    try {
      return ExportProgress.decode(r.value());
    } catch (IllegalArgumentException e) {
      throw new KafkaExportException("the progress topic '" + s.progressTopic() + "' holds a record for this store"
          + " that an Annals exporter did not write (partition " + r.partition() + ", offset " + r.offset() + "): "
          + e.getMessage());
    }
  }
}
