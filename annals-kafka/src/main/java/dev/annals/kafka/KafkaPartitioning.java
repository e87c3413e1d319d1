package dev.annals.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition a stream's records land in: Kafka's default partitioner for keyed records (murmur2 of
 * the key bytes, made positive, modulo the partition count), the key being the stream name in UTF-8 as
 * {@link CloudEventsFormat} writes it. Stateless.
 */
public final class KafkaPartitioning {

  private KafkaPartitioning() {}

  public static int partitionOf(String stream, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(stream.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
