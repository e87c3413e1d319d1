package dev.annals.kafka;

import dev.annals.cqrs.projection.FailurePolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a Kafka-fed projection reads: the broker, the topic an exporter writes, the consumer group its
 * members share; how long to wait for the broker at start; what to do when an applier throws; extra
 * Kafka consumer properties (e.g. {@code session.timeout.ms}), applied last except for those the runner
 * must own ({@code isolation.level}, {@code enable.auto.commit}, {@code group.id}, deserializers).
 * Immutable.
 */
public record KafkaProjectionSettings(String bootstrap, String topic, String group, Duration connectTimeout,
    FailurePolicy failurePolicy, Map<String, String> kafkaProperties) {

  public KafkaProjectionSettings {
    require(bootstrap, "bootstrap");
    require(topic, "topic");
    require(group, "group");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("the connect timeout must be positive, not " + connectTimeout);
    }
    kafkaProperties = Map.copyOf(kafkaProperties);
  }

  private static void require(String value, String what) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("a Kafka-fed projection needs a " + what);
    }
  }

  /** Waits 10 s for the broker at start; parks an event after 5 attempts. */
  public static KafkaProjectionSettings of(String bootstrap, String topic, String group) {
    return new KafkaProjectionSettings(bootstrap, topic, group, Duration.ofSeconds(10),
        FailurePolicy.parkAfterRetries(), Map.of());
  }

  public KafkaProjectionSettings withConnectTimeout(Duration timeout) {
    return new KafkaProjectionSettings(bootstrap, topic, group, timeout, failurePolicy, kafkaProperties);
  }

  public KafkaProjectionSettings withFailurePolicy(FailurePolicy policy) {
    return new KafkaProjectionSettings(bootstrap, topic, group, connectTimeout, policy, kafkaProperties);
  }

  /** One more consumer property, e.g. {@code session.timeout.ms=6000} for a faster takeover of a dead member. */
  public KafkaProjectionSettings withKafkaProperty(String name, String value) {
    Map<String, String> m = new HashMap<>(kafkaProperties);
    m.put(name, value);
    return new KafkaProjectionSettings(bootstrap, topic, group, connectTimeout, failurePolicy, m);
  }

  /** The name of this topic's progress in a target: {@code kafka:TOPIC}. */
  public String source() {
    return "kafka:" + topic;
  }
}
