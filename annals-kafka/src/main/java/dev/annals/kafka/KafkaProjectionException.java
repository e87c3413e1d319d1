package dev.annals.kafka;

/**
 * A Kafka-fed projection cannot start as configured (unknown topic, unreachable broker, a topic whose
 * partition count differs from the stored offsets, a target that cannot store offsets). The message is
 * in user words and names what to fix.
 */
public final class KafkaProjectionException extends RuntimeException {

  public KafkaProjectionException(String message) {
    super(message);
  }

  public KafkaProjectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
