package dev.annals.kafka;

/**
 * Another exporter of the same store to the same topic is running (it holds the store's export role): this
 * one may take over once that one is gone, so a supervisor retries it often rather than backing off.
 */
public final class ExportRoleHeldException extends KafkaExportException {

  public ExportRoleHeldException(String message) {
    super(message);
  }
}
