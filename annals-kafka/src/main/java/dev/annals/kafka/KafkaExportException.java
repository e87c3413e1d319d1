package dev.annals.kafka;

/**
 * The exporter cannot start or cannot go on, in the user's words: the message names what to fix (the
 * broker address and timeout, the missing topic and how to create it, the other exporter, the positions
 * when the store is behind what Kafka holds).
 */
public class KafkaExportException extends RuntimeException {

  public KafkaExportException(String message) {
    super(message);
  }

  public KafkaExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
