package dev.annals.cqrs.projection;

import java.util.List;
import java.util.Optional;

/**
 * Where read models live, with their checkpoints and parked events, per projection version. A
 * transactional target commits a unit of work's writes, its checkpoint and its parked events
 * together. Several versions of one name may coexist; one of them is live (what queries see).
 * Implementations are thread-safe; a unit of work belongs to one thread.
 */
public interface ProjectionTarget<S> extends AutoCloseable {

  /**
   * Prepares a projection version: runs its setup, creates its checkpoint with {@code partitions}
   * partitions when there is none (a stored checkpoint keeps its partition count), and makes it live
   * when no version of the name is live.
   *
   * @return the stored checkpoint
   */
  Checkpoint open(Projection<S> projection, int partitions);

  /** Begins a unit of work for {@code partition} of a version. */
  UnitOfWork<S> begin(ProjectionId id, int partition);

  /** The stored checkpoint of a version. */
  Optional<Checkpoint> checkpoint(ProjectionId id);

  /** The live version of a name, if any. */
  Optional<Integer> liveVersion(String name);

  /** Makes {@code id} the live version of its name, atomically for readers. */
  void promote(Projection<S> projection);

  /** Removes a version's read model, checkpoint and parked events. The live version cannot be dropped. */
  void drop(Projection<S> projection);

  /** Parked events of a version, in position order. */
  List<ParkedEvent> parked(ProjectionId id);

  /** Row counts and a sample of differing rows between two versions of a name. */
  Comparison compare(Projection<S> live, Projection<S> shadow, int sampleSize);

  /**
   * Prepares the stored progress of an external source (e.g. {@code kafka:TOPIC}) for a version: when
   * none is stored, one {@link SourceOffset} per partition with nothing committed. A stored progress is
   * returned as it is, even when its partition count differs from {@code partitions} (the caller
   * decides what a difference means).
   *
   * @return the stored progress, one entry per stored partition, in partition order
   * @throws UnsupportedOperationException the target does not store source offsets
   */
  default List<SourceOffset> openSource(ProjectionId id, String source, int partitions) {
    throw new UnsupportedOperationException("this read model target cannot store source offsets");
  }

  /** The stored progress of an external source, in partition order; empty when never opened. */
  default List<SourceOffset> sourceOffsets(ProjectionId id, String source) {
    throw new UnsupportedOperationException("this read model target cannot store source offsets");
  }

  /**
   * What one target guarantees, for status and docs: e.g. "exactly-once (checkpoint in the same
   * transaction)".
   */
  String guarantee();

  @Override
  void close();

  /** A replay found its event no longer parked (another replay took it first); nothing was committed. */
  final class NotParkedException extends IllegalArgumentException {
    public NotParkedException(ProjectionId id, long position) {
      super(id + " has no parked event at position " + position);
    }
  }

  /**
   * A unit of work found its partition's stored checkpoint moved since this target handed it out
   * ({@link #open}) or last committed it: another runner of the same version (on another server sharing the
   * database) committed meanwhile. Nothing of the unit of work was committed; this runner must stop, or it
   * would apply events twice.
   */
  final class CheckpointFencedException extends IllegalStateException {
    public CheckpointFencedException(ProjectionId id, int partition, long expected, long stored) {
      super(id + ": partition " + partition + " was committed by another runner (stored position " + stored
          + ", expected " + expected + "); nothing was committed and this runner stops");
    }
  }

  /**
   * A unit of work from an external source found the source partition's stored offset moved since it
   * read it: another consumer (the partition's new owner, after a rebalance this one missed) committed
   * it. Nothing of the unit of work was committed; re-read the stored offset and go on from there.
   */
  final class SourceFencedException extends IllegalStateException {
    public SourceFencedException(ProjectionId id, String source, int partition, long expected, long stored) {
      super(id + ": partition " + partition + " of " + source + " was committed by another consumer (stored offset "
          + stored + ", expected " + expected + "); nothing was committed");
    }
  }

  /** Writes of one partition, committed atomically with its checkpoint. Not thread-safe. */
  interface UnitOfWork<S> extends AutoCloseable {

    /** What appliers write through. */
    S session();

    /**
     * Runs writes the session queued rather than ran (JDBC batches), so that a failure among them is
     * the appliers' failure and not the target's; the runner calls it after the appliers of a unit of work.
     */
    default void flush() throws Exception {
    }

    /** Records a parked event; committed with the rest. */
    void park(ParkedEvent event);

    /**
     * Removes a parked event (after a successful replay); committed with the rest. Two replays of one
     * parked event must not both commit: the one that finds it no longer parked fails, here or at the
     * latest when it commits, and nothing of its unit of work is committed.
     *
     * @throws NotParkedException no event of this projection version is parked at {@code position}
     */
    void unpark(long position);

    /**
     * Commits the writes with the partition's checkpoint {@code partitionPosition} and the gap-safe
     * {@code safePosition} (stored as the maximum of the old and the new one).
     *
     * @throws CheckpointFencedException another runner moved the partition's checkpoint; nothing was committed
     */
    void commit(long partitionPosition, long safePosition);

    /**
     * Commits the writes with an external source's progress {@code next}, if that partition's stored
     * offset is still {@code expectedOffset} (a compare-and-set, checked inside the same transaction):
     * so a consumer that lost the partition cannot commit after its new owner did. The version's own
     * checkpoint does not move.
     *
     * @throws SourceFencedException the stored offset is not {@code expectedOffset}; nothing was committed
     * @throws UnsupportedOperationException the target does not store source offsets
     */
    default void commitSource(String source, long expectedOffset, SourceOffset next) {
      throw new UnsupportedOperationException("this read model target cannot store source offsets");
    }

    /** Commits the writes without moving any checkpoint (replays of parked events). */
    void commitWithoutCheckpoint();

    /** Discards the writes unless committed. */
    @Override
    void close();
  }
}
