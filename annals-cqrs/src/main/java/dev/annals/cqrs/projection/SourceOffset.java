package dev.annals.cqrs.projection;

/**
 * Where a projection version stands in one partition of an external source (a Kafka topic's
 * partition), as stored in its target beside the rows: the next offset to read there, and the global
 * position of the last event consumed there (what a read-your-writes wait compares with).
 *
 * @param nextOffset the next offset to read; {@link #NONE} when nothing was committed yet (read from
 *     the beginning)
 * @param position the store position of the last event consumed from this partition; 0 when none
 */
public record SourceOffset(int partition, long nextOffset, long position) {

  /** The {@code nextOffset} of a partition nothing was committed from. */
  public static final long NONE = -1;

  public SourceOffset {
    if (partition < 0 || nextOffset < NONE || position < 0) {
      throw new IllegalArgumentException("partition " + partition + ", offset " + nextOffset + ", position " + position);
    }
  }

  /** Nothing committed yet for this partition. */
  public boolean none() {
    return nextOffset == NONE;
  }
}
