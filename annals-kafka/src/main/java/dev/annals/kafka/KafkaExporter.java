package dev.annals.kafka;

import dev.annals.core.StoredEventReader;

/**
 * Publishes a store's log to a Kafka topic exactly once (skeleton: being filled in).
 */
public final class KafkaExporter implements AutoCloseable {

  private KafkaExporter() {
  }

  /**
   * Checks the broker, the topics, the store's {@code export:<topic>} role and that the store is not behind
   * what Kafka holds, then exports on its own thread until closed.
   *
   * @throws KafkaExportException a check failed; the message names what to fix
   */
  public static KafkaExporter start(StoredEventReader store, ExportSettings settings) {
    throw new UnsupportedOperationException("the Kafka exporter is being written");
  }

  /** Where the export is now. */
  public ExportStatus status() {
    throw new UnsupportedOperationException("the Kafka exporter is being written");
  }

  /** Stops exporting (the open transaction is aborted) and releases the role. Idempotent. */
  @Override
  public void close() {
  }
}
