package dev.annals.cqrs.projection;

import java.util.Arrays;

/**
 * A projection version's stored progress. {@code position} is the gap-safe checkpoint: every event
 * at or below it has been applied (or parked). Each partition also keeps the position of the last
 * event it committed, so that after a restart from {@code position + 1} a partition skips what it
 * already applied: exactly-once where the target is transactional. Immutable.
 */
public final class Checkpoint {

  private final long position;
  private final long[] partitions;

  public Checkpoint(long position, long[] partitions) {
    if (partitions.length < 1) {
      throw new IllegalArgumentException("at least one partition");
    }
    this.position = position;
    this.partitions = partitions.clone();
  }

  public static Checkpoint initial(int partitions) {
    return new Checkpoint(0, new long[partitions]);
  }

  /** The gap-safe position: nothing at or below it is unprocessed. */
  public long position() {
    return position;
  }

  public int partitionCount() {
    return partitions.length;
  }

  /** The last position committed by {@code partition}. */
  public long partitionPosition(int partition) {
    return partitions[partition];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.position == position && Arrays.equals(c.partitions, partitions);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(position) * 31 + Arrays.hashCode(partitions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + position + ", partitions=" + Arrays.toString(partitions) + "]";
  }
}
