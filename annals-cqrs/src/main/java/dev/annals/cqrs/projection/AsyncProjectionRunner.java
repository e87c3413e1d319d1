package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs a projection version from a subscription ({@link EventStore#subscribeToAll}), from its stored
 * checkpoint. The subscription thread routes each event to a partition by stream (per-stream order
 * holds); each partition thread applies batches in units of work committed with its checkpoint; the
 * runner's position is the gap-safe {@link CommitPositionSequence}. After a crash, the runner restarts
 * at the stored gap-safe position and each partition skips what it had committed: every event is applied
 * exactly once where the target is transactional.
 *
 * <p>Thread-safe. Uses one platform thread per partition plus the subscription's thread.
 */
public final class AsyncProjectionRunner<S> implements ProjectionRunner {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncProjectionRunner.class);
  private static final int CHUNK = 256;

  private sealed interface Work permits Chunk, Replay {}

  private static final class Chunk implements Work {
    final ArrayList<RecordedEvent> events = new ArrayList<>(CHUNK);
    long[] tickets = new long[CHUNK];

    void add(RecordedEvent e, long ticket) {
      if (events.size() == tickets.length) {
        tickets = Arrays.copyOf(tickets, tickets.length * 2);
      }
      tickets[events.size()] = ticket;
      events.add(e);
    }
  }

  private record Replay(RecordedEvent event, CompletableFuture<@Nullable Void> done) implements Work {}

  /** Thrown inside the subscription's handler to end delivery once the runner stops. */
  private static final class Stopping extends RuntimeException {
    Stopping() {
      super("projection runner stopping", null, false, false);
    }
  }

  private final EventStore store;
  private final Projection<S> projection;
  private final ProjectionTarget<S> target;
  private final RunnerOptions options;
  private final int partitions;
  private final CommitPositionSequence sequence;
  private final Worker[] workers;
  private final Chunk[] buffers;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();
  private final long startedNanos = System.nanoTime();
  private final Subscription subscription;
  private volatile boolean stopping;
  private volatile boolean closed;
  private volatile boolean caughtUp;
  private volatile boolean shadow;
  private volatile Optional<Throwable> failure = Optional.empty();

  private AsyncProjectionRunner(EventStore store, Projection<S> projection, ProjectionTarget<S> target,
      RunnerOptions options, boolean shadow) {
    this.store = store;
    this.projection = projection;
    this.target = target;
    this.options = options;
    this.shadow = shadow;
    Checkpoint cp = target.open(projection, options.partitions());
    this.partitions = cp.partitionCount();
    if (partitions != options.partitions()) {
      LOG.warn("{}: stored checkpoint has {} partitions, keeping them (asked {}); rebuild as a new version to change",
          projection.id(), partitions, options.partitions());
    }
    this.sequence = new CommitPositionSequence(cp.position());
    this.buffers = new Chunk[partitions];
    this.workers = new AsyncProjectionRunner.Worker[partitions];
    int capacity = Math.max(2, options.queueCapacity() / CHUNK);
    for (int p = 0; p < partitions; p++) {
      buffers[p] = new Chunk();
      workers[p] = new Worker(p, cp.partitionPosition(p), capacity);
    }
    for (Worker w : workers) {
      w.thread.start();
    }
    Subscription sub;
    try {
      sub = store.subscribeToAll(cp.position() + 1, projection.filter(), new Dispatcher());
    } catch (RuntimeException e) {
      stopping = true; // the partition threads see it and end
      sequence.wakeAll();
      throw e;
    }
    this.subscription = sub;
  }

  /** Starts (or resumes) {@code projection} from its stored checkpoint in {@code target}. */
  public static <S> AsyncProjectionRunner<S> start(EventStore store, Projection<S> projection,
      ProjectionTarget<S> target, RunnerOptions options) {
    return new AsyncProjectionRunner<>(store, projection, target, options, false);
  }

  /** Starts a version that is not live yet: its status says rebuilding until promoted. */
  static <S> AsyncProjectionRunner<S> startShadow(EventStore store, Projection<S> projection,
      ProjectionTarget<S> target, RunnerOptions options) {
    return new AsyncProjectionRunner<>(store, projection, target, options, true);
  }

  void promoted() {
    shadow = false;
  }

  Projection<S> projection() {
    return projection;
  }

  private final class Dispatcher implements EventHandler {
    @Override
    public void onEvent(RecordedEvent event) {
      if (stopping) {
        throw new Stopping();
      }
      int p = partitions == 1 ? 0 : Partitioning.partitionOf(event.stream(), partitions);
      long ticket = sequence.dispatch(event.position());
      Chunk c = buffers[p];
      c.add(event, ticket);
      if (c.events.size() >= Math.min(CHUNK, options.maxBatch())) {
        flush(p);
      }
    }

    @Override
    public void onCaughtUp(long next) {
      for (int p = 0; p < partitions; p++) {
        if (!buffers[p].events.isEmpty()) {
          flush(p);
        }
      }
      sequence.examined(next - 1);
      caughtUp = true;
    }

    private void flush(int p) {
      Chunk c = buffers[p];
      buffers[p] = new Chunk();
      try {
        while (!workers[p].queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
          if (stopping) {
            throw new Stopping();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Stopping();
      }
    }
  }

  private final class Worker {
    final BlockingQueue<Work> queue;
    final PartitionApplier<S> applier;
    final Thread thread;

    Worker(int partition, long skipUpTo, int capacity) {
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.applier = new PartitionApplier<>(projection, target, partition, skipUpTo, options.failurePolicy(),
          options.clock(), sequence::safePosition, applied, lastError);
      this.thread = Thread.ofPlatform().daemon()
          .name("annals-projection-" + projection.name() + "-v" + projection.version() + "-p" + partition)
          .unstarted(this::run);
    }

    private void run() {
      try {
        while (!stopping) {
          Work w = queue.poll(100, TimeUnit.MILLISECONDS);
          if (w == null || stopping) {
            continue;
          }
          switch (w) {
            case Replay r -> replay(r);
            case Chunk c -> applyFrom(c);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        fail(t);
      } finally {
        for (Work w; (w = queue.poll()) != null; ) {
          if (w instanceof Replay r) {
            r.done().completeExceptionally(new IllegalStateException(projection.id() + " stopped"));
          }
        }
      }
    }

    private void replay(Replay r) {
      try {
        applier.replay(r.event());
        r.done().complete(null);
      } catch (RuntimeException e) {
        r.done().completeExceptionally(e);
      }
    }

    private void applyFrom(Chunk first) throws InterruptedException {
      List<RecordedEvent> events = new ArrayList<>(first.events);
      long[] tickets = Arrays.copyOf(first.tickets, Math.max(first.events.size(), options.maxBatch()));
      while (queue.peek() instanceof Chunk next && events.size() + next.events.size() <= options.maxBatch()) {
        queue.poll();
        if (tickets.length < events.size() + next.events.size()) {
          tickets = Arrays.copyOf(tickets, events.size() + next.events.size());
        }
        System.arraycopy(next.tickets, 0, tickets, events.size(), next.events.size());
        events.addAll(next.events);
      }
      long[] t = tickets;
      applier.apply(events, (from, to) -> sequence.complete(t, from, to));
    }
  }

  private void fail(Throwable t) {
    LOG.error("{} stopped: {}", projection.id(), t.toString());
    failure = Optional.of(t);
    lastError.set(t.getMessage() == null ? t.toString() : t.getMessage());
    stopping = true;
    sequence.wakeAll();
  }

  @Override
  public ProjectionId id() {
    return projection.id();
  }

  @Override
  public ProjectionStatus status() {
    long head = store.headPosition();
    long position = sequence.safePosition();
    long lag = Math.max(0, head - position);
    Duration lagTime = Lag.age(store, projection.filter(), position, head, options.clock());
    Optional<Throwable> storeFailure = subscription.isStopped() && !stopping ? subscription.failure() : Optional.empty();
    Optional<Throwable> f = failure.or(() -> storeFailure);
    ProjectionState state;
    if (f.isPresent()) {
      state = ProjectionState.FAILED;
    } else if (closed || stopping || subscription.isStopped()) {
      state = ProjectionState.STOPPED;
    } else if (shadow) {
      state = ProjectionState.REBUILDING;
    } else if (caughtUp || lag == 0) {
      // At the head is caught up, even before the reader's caught-up signal lands (awaitPosition can
      // return first: the events it waits for may be applied before the reader reports the head).
      state = ProjectionState.RUNNING;
    } else {
      state = ProjectionState.CATCHING_UP;
    }
    Optional<RebuildProgress> progress = Optional.empty();
    if (state == ProjectionState.REBUILDING || state == ProjectionState.CATCHING_UP
        || (state == ProjectionState.RUNNING && lag > 0)) {
      long done = applied.get();
      double secs = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
      double rate = done / secs;
      Optional<Duration> eta = rate > 0 ? Optional.of(Duration.ofMillis((long) (lag / rate * 1000))) : Optional.empty();
      progress = Optional.of(new RebuildProgress(done, lag, rate, eta, caughtUp && lag == 0));
    }
    Optional<String> error = Optional.ofNullable(lastError.get())
        .or(() -> storeFailure.map(Throwable::toString));
    boolean live = target.liveVersion(projection.name()).orElse(-1) == projection.version();
    return new ProjectionStatus(projection.id(), state, live, position, head, lag, lagTime, partitions,
        applied.get(), target.parked(projection.id()).size(), error, progress);
  }

  /** True once the reader reached the head at least once and nothing below the head is unprocessed. */
  public boolean isCaughtUp() {
    return caughtUp && sequence.safePosition() >= store.headPosition();
  }

  @Override
  public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
    boolean reached = sequence.awaitSafe(position, timeout);
    if (!reached && failure.isPresent()) {
      throw new ProjectionFailedException(projection.id(), "stopped before position " + position + ": " + failure.get().getMessage(),
          failure.get());
    }
    return reached;
  }

  @Override
  public List<ParkedEvent> parked() {
    return target.parked(projection.id());
  }

  @Override
  public void replayParked(long position) throws InterruptedException {
    if (parked().stream().noneMatch(p -> p.position() == position)) {
      throw new IllegalArgumentException(projection.id() + " has no parked event at position " + position);
    }
    Page page = store.readAll(position, Direction.FORWARD, 1, Filter.everything());
    if (page.isEmpty() || page.events().get(0).position() != position) {
      throw new IllegalStateException("the store has no event at position " + position);
    }
    RecordedEvent event = page.events().get(0);
    int p = partitions == 1 ? 0 : Partitioning.partitionOf(event.stream(), partitions);
    Worker w = workers[p];
    if (stopping || !w.thread.isAlive()) {
      w.applier.replay(event);
      return;
    }
    Replay r = new Replay(event, new CompletableFuture<>());
    w.queue.put(r);
    try {
      r.done().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    subscription.close();
    for (Worker w : workers) {
      try {
        w.thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sequence.wakeAll();
  }
}
