package dev.annals.cqrs.projection;

/**
 * Maps a stream to a partition. Stable across processes ({@link String#hashCode} is specified), which
 * the stored per-partition checkpoints rely on.
 */
public final class Partitioning {

  private Partitioning() {}

  public static int partitionOf(String stream, int partitions) {
    return Math.floorMod(stream.hashCode() * 0x9E3779B1, partitions);
  }
}
