package dev.annals.kafka;

/**
 * A refusal that waiting cannot fix (the store is behind or beside what Kafka holds, the partition count
 * changed, the role is lost): the exporter stops instead of retrying.
 */
final class ExportRefusedException extends KafkaExportException {

  ExportRefusedException(String message) {
    super(message);
  }
}
