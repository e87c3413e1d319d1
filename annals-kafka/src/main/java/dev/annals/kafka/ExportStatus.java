package dev.annals.kafka;

import java.util.Optional;

/**
 * Where an exporter is: the last position committed to Kafka, the store's head, the recent rate, its state
 * and, when it failed, why (in the user's words). Immutable; {@link KafkaExporter#status()} gives a fresh one.
 *
 * @param eventsPerSecond events committed per second over the last few seconds
 */
public record ExportStatus(String topic, long exportedPosition, long headPosition, double eventsPerSecond,
    State state, Optional<String> failure) {

  /** The exporter's life: checking and resuming, exporting, stopped on an error, or closed. */
  public enum State { STARTING, RUNNING, FAILED, STOPPED }

  /** Events in the store not yet committed to Kafka. */
  public long lag() {
    return Math.max(0, headPosition - exportedPosition);
  }
}
