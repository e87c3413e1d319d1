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
     */
    void commit(long partitionPosition, long safePosition);

    /** Commits the writes without moving any checkpoint (replays of parked events). */
    void commitWithoutCheckpoint();

    /** Discards the writes unless committed. */
    @Override
    void close();
  }
}
