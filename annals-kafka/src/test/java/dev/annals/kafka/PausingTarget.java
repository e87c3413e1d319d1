package dev.annals.kafka;

import dev.annals.cqrs.projection.Checkpoint;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.MemoryTables;
import dev.annals.cqrs.projection.MemoryTarget;
import dev.annals.cqrs.projection.ParkedEvent;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionId;
import dev.annals.cqrs.projection.ProjectionTarget;
import dev.annals.cqrs.projection.SourceOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One member's view of a shared {@link MemoryTarget} whose first source commit stops until released,
 * as a member frozen by a long pause just before it commits: the zombie of the fencing test. Remembers
 * how that commit ended.
 */
final class PausingTarget implements ProjectionTarget<MemoryTables> {

  final CountDownLatch paused = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicReference<RuntimeException> pausedCommitFailure = new AtomicReference<>();
  private final AtomicBoolean first = new AtomicBoolean(true);
  private final MemoryTarget shared;

  PausingTarget(MemoryTarget shared) {
    this.shared = shared;
  }

  @Override
  public UnitOfWork<MemoryTables> begin(ProjectionId id, int partition) {
    UnitOfWork<MemoryTables> uow = shared.begin(id, partition);
    return new UnitOfWork<>() {
      @Override
      public MemoryTables session() {
        return uow.session();
      }

      @Override
      public void park(ParkedEvent event) {
        uow.park(event);
      }

      @Override
      public void unpark(long position) {
        uow.unpark(position);
      }

      @Override
      public void commit(long partitionPosition, long safePosition) {
        uow.commit(partitionPosition, safePosition);
      }

      @Override
      public void commitSource(String source, long expectedOffset, SourceOffset next) {
        if (!first.compareAndSet(true, false)) {
          uow.commitSource(source, expectedOffset, next);
          return;
        }
        paused.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        try {
          uow.commitSource(source, expectedOffset, next);
        } catch (RuntimeException e) {
          pausedCommitFailure.set(e);
          throw e;
        }
      }

      @Override
      public void commitWithoutCheckpoint() {
        uow.commitWithoutCheckpoint();
      }

      @Override
      public void close() {
        uow.close();
      }
    };
  }

  @Override
  public Checkpoint open(Projection<MemoryTables> projection, int partitions) {
    return shared.open(projection, partitions);
  }

  @Override
  public List<SourceOffset> openSource(ProjectionId id, String source, int partitions) {
    return shared.openSource(id, source, partitions);
  }

  @Override
  public List<SourceOffset> sourceOffsets(ProjectionId id, String source) {
    return shared.sourceOffsets(id, source);
  }

  @Override
  public Optional<Checkpoint> checkpoint(ProjectionId id) {
    return shared.checkpoint(id);
  }

  @Override
  public Optional<Integer> liveVersion(String name) {
    return shared.liveVersion(name);
  }

  @Override
  public void promote(Projection<MemoryTables> projection) {
    shared.promote(projection);
  }

  @Override
  public void drop(Projection<MemoryTables> projection) {
    shared.drop(projection);
  }

  @Override
  public List<ParkedEvent> parked(ProjectionId id) {
    return shared.parked(id);
  }

  @Override
  public Comparison compare(Projection<MemoryTables> live, Projection<MemoryTables> shadow, int sampleSize) {
    return shared.compare(live, shadow, sampleSize);
  }

  @Override
  public String guarantee() {
    return shared.guarantee();
  }

  @Override
  public void close() {
    release.countDown();
  }
}
