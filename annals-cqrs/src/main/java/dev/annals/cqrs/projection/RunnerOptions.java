package dev.annals.cqrs.projection;

import java.time.Clock;

/**
 * How a runner works.
 *
 * @param partitions handler threads; events are routed by stream ({@link Partitioning}), so per-stream
 *     order holds. A stored checkpoint keeps the count it was created with.
 * @param maxBatch most events per unit of work (a batch is also cut when the reader catches up)
 * @param queueCapacity events buffered per partition before the reader waits
 */
public record RunnerOptions(int partitions, int maxBatch, int queueCapacity, FailurePolicy failurePolicy, Clock clock) {

  public RunnerOptions {
    if (partitions < 1 || maxBatch < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("partitions, maxBatch and queueCapacity must be >= 1");
    }
  }

  /** One partition, batches of up to 1,000 events, retries then park. */
  public static RunnerOptions defaults() {
    return new RunnerOptions(1, 1000, 16_384, FailurePolicy.parkAfterRetries(), Clock.systemUTC());
  }

  public RunnerOptions withPartitions(int n) {
    return new RunnerOptions(n, maxBatch, queueCapacity, failurePolicy, clock);
  }

  public RunnerOptions withMaxBatch(int n) {
    return new RunnerOptions(partitions, n, queueCapacity, failurePolicy, clock);
  }

  public RunnerOptions withFailurePolicy(FailurePolicy p) {
    return new RunnerOptions(partitions, maxBatch, queueCapacity, p, clock);
  }

  public RunnerOptions withClock(Clock c) {
    return new RunnerOptions(partitions, maxBatch, queueCapacity, failurePolicy, c);
  }
}
