package dev.annals.kafka;

import dev.annals.cqrs.projection.ProjectionId;
import java.util.List;
import java.util.Optional;

/**
 * What one member of a Kafka-fed projection's consumer group is doing.
 *
 * @param partitions the topic's partition count
 * @param assigned the partitions this member owns now, with their lag
 * @param parked events parked by this member since it started
 * @param failure why the member stopped, when {@code state} is FAILED
 */
public record KafkaProjectionStatus(ProjectionId projection, String topic, String group, State state, int partitions,
    List<PartitionLag> assigned, long parked, Optional<String> failure) {

  public enum State { STARTING, RUNNING, FAILED, STOPPED }

  /** The sum of the owned partitions' known lags. */
  public long lag() {
    return assigned.stream().mapToLong(l -> Math.max(0, l.lag())).sum();
  }
}
