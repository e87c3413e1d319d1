package dev.annals.log;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Idempotency;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's single writer. Callers enqueue appends and wait on a future; this thread takes every
 * queued append, checks idempotency and expected versions against the stream heads it owns (counting
 * the events it staged but has not published yet), encodes the whole group into one buffer and writes
 * it with one call. Then:
 * <ul>
 *   <li>{@code fsync=always}: the group joins the groups <em>in flight</em> and the syncer thread is
 *       asked for an fsync. The writer goes straight on to the next group while the disk works; the
 *       syncer fsyncs once for every group written before its fsync began and reports back through the
 *       writer's queue ({@link Synced}); the writer then publishes those groups, in order, to readers.
 *       A group that wrote nothing (retries, refusals) waits behind the groups in flight, because a retry
 *       may name an event that is not durable yet. Nothing is readable or acknowledged before its fsync.
 *   <li>{@code interval} and {@code never}: the group is published as soon as it is written.
 * </ul>
 * Published groups go to the completer thread, which completes the callers' futures; each woken caller
 * completes a couple more ({@link Ticket}), so a large group's wake-ups fan out over the callers' threads.
 *
 * <p>Failures: a failed fsync or write makes the store fail-stop (every later append is refused with
 * {@link StoreUnavailableException}; reads keep working; the fsync is never retried). A full disk is
 * the exception: the partial write is truncated away, the group is refused with a clear error and
 * the store stays writable (and consistent). If the truncation fails too, fail-stop.
 *
 * <p>Preallocation: the active segment is kept {@link #PREALLOCATE_BYTES} of zeros ahead of its last
 * record (written after a group that passes the zeros, and made durable by that group's fsync), so a
 * group's fdatasync rarely changes the file's size, which on ext4 and most file systems costs a journal
 * commit on top of the data. The zeros are cut off when the segment is sealed and when the store closes;
 * after a crash, recovery cuts them with the torn tail (see {@link Recovery}).
 *
 * <p>All state here belongs to the writer thread, except the syncer's request (guarded by its lock);
 * {@link #submit} and {@link #stop} are thread-safe. A segment is sealed only when no group is in flight.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** Stop adding appends to a group once its buffer is this large. */
  static final int MAX_GROUP_BYTES = 8 << 20;
  static final int MAX_GROUP_REQUESTS = 4096;
  /** Zeros kept written ahead of the last record of the active segment. */
  static final int PREALLOCATE_BYTES = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PREALLOCATE_BYTES).asReadOnlyBuffer();

  sealed interface Request permits AppendRequest, ImportRequest, Stop, Synced {}

  record AppendRequest(String stream, ExpectedVersion expected, List<EventData> events, List<UUID> ids,
      Prepared prepared, CompletableFuture<AppendResult> result) implements Request {}

  /** {@code metadata} already carries {@code "imported": true}. */
  record ImportRequest(List<ImportEvent> events, List<Json> metadata, Prepared prepared,
      CompletableFuture<ImportResult> result) implements Request {}

  /**
   * What the caller works out on its own thread before it submits, so the single writer, through which
   * every append passes in turn, has less to do per event: the stream's index entry when it already
   * existed (entries are never replaced, so the writer may use it as its own lookup's answer) and the
   * SHA-256 of each event's data, which the chain hash includes ({@link EventRecord#computeChain}).
   *
   * @param entry the stream's entry, or null when the stream had none (the writer looks again)
   * @param dataDigests one per event, in order
   */
  record Prepared(StreamIndex.Entry entry, byte[][] dataDigests) {

    /** Digests {@code events}' data with {@code sha}, the caller's own digest. */
    static Prepared of(StreamIndex.Entry entry, List<EventData> events, MessageDigest sha) {
      byte[][] digests = new byte[events.size()][];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = EventRecord.dataDigest(events.get(i).data().unsafeBytes(), sha);
      }
      return new Prepared(entry, digests);
    }
  }

  record Stop() implements Request {}

  /** From the syncer: every group up to {@code seq} is on disk, or ({@code error} set) the fsync failed. */
  record Synced(long seq, Throwable error) implements Request {}

  private final LogState state;
  private final LogOptions options;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Request> carry = new ArrayDeque<>();
  private final Thread thread;
  /** Completes callers' futures off the writer thread: waking a parked caller costs the waker a syscall. */
  private final Thread completerThread;
  private final LinkedBlockingQueue<Completed> completer = new LinkedBlockingQueue<>();
  /**
   * {@code fsync=always} only: fsyncs what the writer has written, so the writer stages and writes the
   * next group while the disk works, instead of after. Null in the other modes.
   */
  private final Thread syncerThread;
  private final Object syncLock = new Object();
  /** Guarded by {@link #syncLock}: the last group written, the channel it went to, and stop. */
  private long syncRequested;
  private WriteChannel syncChannel;
  private boolean syncStop;
  private final MessageDigest sha = Recovery.sha256();
  private final IdWindow ids;
  private final LongConsumer onPublished;
  private volatile StoreUnavailableException failure;
  private volatile boolean exited;
  private volatile long groups;
  private volatile long fsyncs;
  private volatile LongConsumer fsyncListener = nanos -> { };
  /**
   * Requests handed to the queue by {@link #submit}, and those the writer has answered after publishing
   * them (or refusing them), in queue order: what {@link #awaitStampedBefore} waits on.
   */
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicInteger answerWaiters = new AtomicInteger();
  private final Object answerLock = new Object();
  /**
   * fsync=interval and never: the last position known to be on disk (covered by a successful fsync of
   * the writer: an interval fsync, a segment's seal, the final one; recovery fsyncs what it opened).
   * With fsync=always every published position is; see {@link #durableHead()}.
   */
  private volatile long durableHead;
  /** The recordedAt (micros) of the last published event; every later stamp is at least this. */
  private volatile long publishedMicros = Long.MIN_VALUE;

  // writer-thread state
  private WriteChannel channel;
  private long writeEnd;
  /** The active segment file's size: {@link #writeEnd} plus the zeros written ahead of it. */
  private long allocatedEnd;
  private byte[] chain;
  private long lastMicros;
  private boolean dirty;
  private long lastFsyncNanos = System.nanoTime();
  private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);

  /** Groups written (or, when they wrote nothing, waiting behind written ones) but not yet fsynced, oldest first. */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** Sequence number of the last group written. */
  private long groupSeq;
  /** The next position to stage (past the published head while groups are in flight). */
  private long nextPosition;
  /** Staged events not yet published (in flight and in the group being staged), by id and by stream. */
  private final Map<UUID, Staged> pendingIds = new HashMap<>();
  private final Map<StreamIndex.Entry, List<Staged>> pendingByStream = new HashMap<>();

  // per-group state
  private List<Staged> staged = new ArrayList<>();
  private byte[] groupChain;
  private long groupMicros;

  /** A group on its way to disk: published and completed once an fsync that began after its write ends. */
  private record InFlight(long seq, List<Staged> staged, long end, Segment segment, Completed done) {}

  private record Staged(StreamIndex.Entry entry, long position, long version, UUID id, long micros,
      int offset, int indexInBatch, int batchSize, boolean imported) {
    Idempotency.Written written() {
      return imported
          ? new Idempotency.Written(id, entry.name, version, position, EventRecord.micros(micros), 0, 1)
          : new Idempotency.Written(id, entry.name, version, position, EventRecord.micros(micros), indexInBatch, batchSize);
    }
  }

  GroupCommit(LogState state, Recovery.Recovered recovered, LongConsumer onPublished) throws IOException {
    this.state = state;
    this.options = state.options;
    this.ids = recovered.ids();
    this.chain = recovered.chain();
    this.lastMicros = recovered.lastRecordedAtMicros();
    this.onPublished = onPublished;
    Segment active = state.active();
    this.channel = options.writeChannels().open(active.file);
    this.writeEnd = active.end();
    this.allocatedEnd = writeEnd; // recovery leaves the file ending at its last record
    this.nextPosition = state.head() + 1;
    this.durableHead = state.head();
    this.thread = Thread.ofPlatform().daemon().name("annals-log-writer-" + state.dir.getFileName()).unstarted(this::run);
    this.completerThread = Thread.ofPlatform().daemon().name("annals-log-completer-" + state.dir.getFileName())
        .unstarted(this::runCompleter);
    this.syncerThread = options.fsync() instanceof FsyncMode.Always
        ? Thread.ofPlatform().daemon().name("annals-log-syncer-" + state.dir.getFileName()).unstarted(this::runSyncer)
        : null;
  }

  void start() {
    completerThread.start();
    if (syncerThread != null) {
      syncerThread.start();
    }
    thread.start();
  }

  /**
   * The last position on disk by the writer's own fsyncs: what an index checkpoint may cover (open
   * refuses a log shorter than its checkpoint). A second fsync through another file descriptor would not
   * do: after a failed fsync, Linux reports success to a descriptor opened later.
   */
  long durableHead() {
    return syncerThread != null ? state.head() : durableHead;
  }

  /** Groups written so far (each one write call). */
  long groups() {
    return groups;
  }

  /** fsyncs done on the write path so far ({@code fsync=always}: one per fsync of the syncer, which covers every group written before it began). */
  long fsyncs() {
    return fsyncs;
  }

  /** See {@link dev.annals.core.FsyncReporting}: the syncer's and the interval fsyncs. */
  void onFsync(LongConsumer nanos) {
    fsyncListener = Objects.requireNonNull(nanos, "nanos");
  }

  /** Tells the listener; a listener that throws is logged, never taken for a failed fsync. */
  private void reportFsync(long nanos) {
    try {
      fsyncListener.accept(nanos);
    } catch (RuntimeException e) {
      LOG.warn("the fsync listener failed (the fsync itself succeeded)", e);
    }
  }

  Optional<StoreUnavailableException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Queues a request; fails its future when the writer has stopped. */
  void submit(Request r) {
    StoreUnavailableException f = failure;
    if (f != null) {
      fail(r, f);
      return;
    }
    submitted.incrementAndGet();
    queue.add(r);
    if (exited && queue.remove(r)) {
      answered(1);
      fail(r, new StoreUnavailableException("the store is closed"));
    }
  }

  /**
   * Returns once no event stamped (recordedAt) before {@code micros} can become readable any more, so
   * that a known-at answer about a past time never changes later. The writer stamps an append when it
   * stages it, and readers see it only after its write (and, with {@code fsync=always}, its fsync); so
   * unless the last published event is stamped at or after {@code micros}, this waits until every
   * request submitted before the call is answered: any request submitted after it is stamped from a
   * later clock reading (past {@code micros}, which the caller checked is in the past), and so is every
   * request queued behind it. Imports carry their own recordedAt and are the exception (see
   * docs/time.md). Returns at once when the writer has stopped.
   */
  void awaitStampedBefore(long micros) {
    if (micros <= publishedMicros) {
      return;
    }
    long target = submitted.get();
    if (answered.get() >= target) {
      return;
    }
    answerWaiters.incrementAndGet();
    try {
      synchronized (answerLock) {
        while (answered.get() < target && failure == null && !exited) {
          answerLock.wait(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      answerWaiters.decrementAndGet();
    }
  }

  /** The writer has published (or refused) the next {@code n} requests of the queue. */
  private void answered(int n) {
    answered.addAndGet(n);
    if (answerWaiters.get() > 0) {
      synchronized (answerLock) {
        answerLock.notifyAll();
      }
    }
  }

  /** Finishes every queued request, fsyncs, and stops the thread. */
  void stop() {
    queue.add(new Stop());
    try {
      thread.join();
      completerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    try {
      while (true) {
        group.clear();
        if (!carry.isEmpty()) {
          group.addAll(carry);
          carry.clear();
        } else {
          Request first = queue.poll(idleWaitNanos(), TimeUnit.NANOSECONDS);
          if (first == null) {
            intervalFsync(true);
            continue;
          }
          group.add(first);
        }
        queue.drainTo(group, MAX_GROUP_REQUESTS);
        for (Request r : group) {
          if (r instanceof Synced synced) {
            handleSynced(synced);
          }
        }
        group.removeIf(r -> r instanceof Synced);
        if (group.isEmpty()) {
          continue;
        }
        int stopAt = indexOfStop(group);
        if (stopAt >= 0) {
          List<Request> before = new ArrayList<>(group.subList(0, stopAt));
          for (Request r : group.subList(stopAt + 1, group.size())) {
            if (!(r instanceof Stop)) {
              fail(r, new StoreUnavailableException("the store is closed"));
            }
          }
          while (!before.isEmpty()) {
            processGroup(before);
            before = new ArrayList<>(carry);
            carry.clear();
          }
          awaitInFlight(r -> fail(r, new StoreUnavailableException("the store is closed")));
          finalFsync();
          return;
        }
        processGroup(group);
        intervalFsync(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failStop("the writer thread failed", t);
    } finally {
      exited = true;
      // a request of a group that an unexpected error interrupted must not wait forever
      StoreUnavailableException stopped = failure != null ? failure : new StoreUnavailableException("the store is closed");
      failInFlight(stopped);
      stopSyncer();
      group.forEach(r -> fail(r, stopped));
      carry.forEach(r -> fail(r, stopped));
      carry.clear();
      Request r;
      while ((r = queue.poll()) != null) {
        fail(r, new StoreUnavailableException("the store is closed"));
      }
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", state.active().file, e.toString());
      }
      completer.add(Completed.END);
    }
  }

  /**
   * A caller's future. The thread that completes it wakes the caller, a syscall of several microseconds on
   * the waker's side; so a woken caller completes a few more of its group ({@link #helpGroup}) before it
   * returns, and the wake-ups of a large group spread over the callers' threads like a tree instead of
   * queueing behind one thread.
   */
  static final class Ticket<T> extends CompletableFuture<T> {
    private volatile Completed group;

    /** Completes up to {@link #HELP} more requests of this caller's group; the completer does the rest. */
    void helpGroup() {
      Completed g = group;
      if (g != null) {
        g.completeSome(HELP);
      }
    }
  }

  /** Completions a woken caller takes over from its group. */
  static final int HELP = 2;

  /** A written group's callers and their outcomes ({@link AppendResult}, {@link ImportResult} or an exception). */
  private static final class Completed {
    static final Completed END = new Completed(new Request[0], new Object[0]);

    private final Request[] requests;
    private final Object[] outcomes;
    private final AtomicInteger next = new AtomicInteger();

    Completed(Request[] requests, Object[] outcomes) {
      this.requests = requests;
      this.outcomes = outcomes;
      for (Request r : requests) {
        switch (r) {
          case AppendRequest a -> { if (a.result() instanceof Ticket<?> t) t.group = this; }
          case ImportRequest i -> { if (i.result() instanceof Ticket<?> t) t.group = this; }
          case Stop s -> { }
          case Synced s -> { }
        }
      }
    }

    /** Completes up to {@code max} requests not yet completed; each exactly once, whoever claims it. */
    void completeSome(int max) {
      for (int k = 0; k < max; k++) {
        int i = next.getAndIncrement();
        if (i >= requests.length) {
          return;
        }
        complete(requests[i], outcomes[i]);
      }
    }
  }

  private void runSyncer() {
    long synced = 0;
    while (true) {
      long target;
      WriteChannel ch;
      synchronized (syncLock) {
        while (syncRequested == synced && !syncStop) {
          try {
            syncLock.wait();
          } catch (InterruptedException e) {
            // a daemon: only stopSyncer() ends it
          }
        }
        if (syncRequested == synced) {
          return;
        }
        target = syncRequested;
        ch = syncChannel;
      }
      try {
        long started = System.nanoTime();
        ch.force();
        reportFsync(System.nanoTime() - started);
        fsyncs++;
        queue.add(new Synced(target, null));
        synced = target;
      } catch (Throwable t) {
        queue.add(new Synced(target, t)); // fail-stop: never retried
        return;
      }
    }
  }

  /** Writer: asks the syncer for an fsync that begins after group {@code seq} was written. */
  private void requestSync(long seq) {
    synchronized (syncLock) {
      syncRequested = seq;
      syncChannel = channel;
      syncLock.notifyAll();
    }
  }

  private void stopSyncer() {
    if (syncerThread == null) {
      return;
    }
    synchronized (syncLock) {
      syncStop = true;
      syncLock.notifyAll();
    }
    try {
      syncerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Publishes and completes the groups an fsync covered, or fails every group in flight. */
  private void handleSynced(Synced s) {
    if (s.error() != null) {
      failStop("fsync of " + state.active().file + " failed; acknowledged data is safe, the groups written since were not"
          + " acknowledged", s.error());
      failInFlight(failure);
      return;
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().seq() <= s.seq()) {
      InFlight w = inFlight.pollFirst();
      if (!w.staged().isEmpty()) {
        publish(w.staged(), w.end(), w.segment());
      }
      answered(w.done().requests.length);
      completer.add(w.done());
    }
  }

  /** Fails the callers of every group in flight (their own refusals stay theirs). */
  private void failInFlight(StoreUnavailableException cause) {
    for (InFlight w : inFlight) {
      Completed d = w.done();
      for (int i = 0; i < d.requests.length; i++) {
        fail(d.requests[i], d.outcomes[i] instanceof EventStoreException ex ? ex : cause);
      }
    }
    inFlight.clear();
  }

  /** Waits until every group in flight is published (or failed); other requests meanwhile go to {@code other}. */
  private void awaitInFlight(Consumer<Request> other) throws InterruptedException {
    while (!inFlight.isEmpty()) {
      Request r = queue.take();
      if (r instanceof Synced s) {
        handleSynced(s);
      } else {
        other.accept(r);
      }
    }
  }

  private void runCompleter() {
    while (true) {
      Completed c;
      try {
        c = completer.take();
      } catch (InterruptedException e) {
        // a daemon: only stop() ends it, through END; keep completing what the writer hands over
        continue;
      }
      if (c == Completed.END) {
        return;
      }
      c.completeSome(Integer.MAX_VALUE);
    }
  }

  private static int indexOfStop(List<Request> group) {
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i) instanceof Stop) {
        return i;
      }
    }
    return -1;
  }

  private long idleWaitNanos() {
    if (options.fsync() instanceof FsyncMode.Interval(var period) && dirty) {
      return Math.max(1, period.toNanos() - (System.nanoTime() - lastFsyncNanos));
    }
    return TimeUnit.SECONDS.toNanos(1);
  }

  private void intervalFsync(boolean idle) {
    if (!(options.fsync() instanceof FsyncMode.Interval(var period)) || !dirty || failure != null) {
      return;
    }
    if (idle || System.nanoTime() - lastFsyncNanos >= period.toNanos()) {
      try {
        long started = System.nanoTime();
        long covered = state.head();
        channel.force();
        durableHead = covered;
        dirty = false;
        lastFsyncNanos = System.nanoTime();
        reportFsync(lastFsyncNanos - started);
      } catch (IOException e) {
        failStop("fsync of " + state.active().file + " failed", e);
      }
    }
  }

  private void finalFsync() {
    if (failure != null) {
      return;
    }
    try {
      long covered = state.head();
      if (allocatedEnd > writeEnd) {
        trimPreallocation();
        dirty = false;
      } else if (dirty) {
        channel.force();
        dirty = false;
      }
      durableHead = covered;
    } catch (IOException e) {
      failStop("fsync of " + state.active().file + " failed on close", e);
    }
  }

  // ---- one group ------------------------------------------------------------------------------------

  private void processGroup(List<Request> group) throws InterruptedException {
    if (failure != null) {
      group.forEach(r -> fail(r, failure));
      return;
    }
    Segment active = state.active();
    if (writeEnd >= options.segmentBytes() && writeEnd > Segment.HEADER) {
      // the syncer must be done with this segment before it is sealed and its channel closed
      awaitInFlight(carry::add);
      if (failure != null) {
        group.forEach(r -> fail(r, failure));
        return;
      }
      try {
        seal();
      } catch (IOException e) {
        // an fsync or truncate of acknowledged data failed: never retried, whatever the cause (a full disk too)
        failStop("sealing " + active.file + " failed", e);
        group.forEach(r -> fail(r, failure));
        return;
      }
      try {
        startSegment();
      } catch (IOException e) {
        if (isDiskFull(e)) {
          // nothing was staged: refuse this group, keep the sealed segment active, roll again next group
          LOG.warn("disk full starting a new segment in {}: the group was refused", state.dir);
          StoreUnavailableException refused = new StoreUnavailableException("the disk is full (" + e.getMessage()
              + "): a new segment could not be started, nothing of this append was written; free space and retry", e);
          answered(group.size());
          group.forEach(r -> fail(r, refused));
          return;
        }
        failStop("starting a new segment failed", e);
        group.forEach(r -> fail(r, failure));
        return;
      }
      active = state.active();
    }
    buffer.clear();
    staged = new ArrayList<>();
    groupChain = chain.clone();
    groupMicros = lastMicros;
    long firstPosition = nextPosition;
    Object[] outcomes = new Object[group.size()];
    int taken = 0;
    for (; taken < group.size(); taken++) {
      if (buffer.position() >= MAX_GROUP_BYTES || writeEnd + buffer.position() >= LogOptions.MAX_SEGMENT_BYTES) {
        break;
      }
      Request r = group.get(taken);
      try {
        outcomes[taken] = switch (r) {
          case AppendRequest a -> stageAppend(a);
          case ImportRequest i -> stageImport(i);
          case Stop s -> throw new IllegalStateException("stop inside a group");
          case Synced s -> throw new IllegalStateException("sync report inside a group");
        };
      } catch (EventStoreException e) {
        outcomes[taken] = e;
      }
    }
    for (int i = taken; i < group.size(); i++) {
      carry.add(group.get(i));
    }
    Completed done = new Completed(group.subList(0, taken).toArray(new Request[0]),
        taken == outcomes.length ? outcomes : Arrays.copyOf(outcomes, taken));
    if (staged.isEmpty()) {
      // retries and refusals only: answered once everything before them is on disk (a retry may name an event in flight)
      if (inFlight.isEmpty()) {
        answered(done.requests.length);
        completer.add(done);
      } else {
        inFlight.add(new InFlight(groupSeq, List.of(), writeEnd, active, done));
      }
      return;
    }
    buffer.flip();
    long groupStart = writeEnd;
    try {
      channel.writeFully(buffer, groupStart);
      long groupEnd = groupStart + buffer.limit();
      if (groupEnd > allocatedEnd) {
        allocatedEnd = groupEnd;
        preallocate(active);
      }
    } catch (IOException e) {
      unstage(firstPosition);
      StoreUnavailableException refused = writeFailed(e, active, groupStart);
      answered(taken); // refused, nothing of them readable (a full disk leaves the store writable)
      for (int i = 0; i < taken; i++) {
        fail(group.get(i), outcomes[i] instanceof EventStoreException ex ? ex : refused);
      }
      return;
    }
    writeEnd = groupStart + buffer.limit();
    chain = groupChain;
    lastMicros = groupMicros;
    groups++;
    groupSeq++;
    if (syncerThread != null) {
      inFlight.add(new InFlight(groupSeq, staged, writeEnd, active, done));
      requestSync(groupSeq);
    } else {
      dirty = true;
      publish(staged, writeEnd, active);
      answered(done.requests.length);
      completer.add(done);
    }
  }

  /**
   * Writes {@link #PREALLOCATE_BYTES} of zeros after the segment's end (the end of the group just
   * written). Best effort on a full disk: the zeros that got written are cut again and the group goes
   * on without them. Any other error is thrown, and the group fails as if its own write had.
   */
  private void preallocate(Segment active) throws IOException {
    try {
      channel.writeFully(ZEROS.duplicate(), allocatedEnd);
      allocatedEnd += PREALLOCATE_BYTES;
    } catch (IOException e) {
      if (!isDiskFull(e)) {
        throw e;
      }
      LOG.warn("disk full preallocating {}; going on without preallocation", active.file);
      channel.truncate(allocatedEnd);
    }
  }

  /** Cuts the preallocated zeros off the active segment and fsyncs it, before it is sealed or closed. */
  private void trimPreallocation() throws IOException {
    if (allocatedEnd > writeEnd) {
      channel.truncate(writeEnd);
      channel.force();
      allocatedEnd = writeEnd;
    }
  }

  private StoreUnavailableException writeFailed(IOException e, Segment active, long groupStart) {
    if (isDiskFull(e)) {
      try {
        channel.truncate(groupStart);
        allocatedEnd = Math.min(allocatedEnd, groupStart);
        LOG.warn("disk full writing {}: the group was refused and the partial write truncated away", active.file);
        return new StoreUnavailableException("the disk is full (" + e.getMessage() + "): nothing of this append was written to "
            + active.file + "; free space and retry", e);
      } catch (IOException t) {
        e.addSuppressed(t);
        failStop("disk full writing " + active.file + " and the partial write could not be truncated", e);
        return failure;
      }
    }
    failStop("writing " + active.file + " failed", e);
    return failure;
  }

  static boolean isDiskFull(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left") || m.contains("ENOSPC") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** Takes back the events of the group being staged (its write failed): pending versions, ids, positions. */
  private void unstage(long firstPosition) {
    for (int i = staged.size() - 1; i >= 0; i--) {
      Staged s = staged.get(i);
      s.entry().pendingVersion = s.version() - 1;
      pendingIds.remove(s.id());
      List<Staged> pending = pendingByStream.get(s.entry());
      pending.removeLast();
      if (pending.isEmpty()) {
        pendingByStream.remove(s.entry());
      }
    }
    staged = new ArrayList<>();
    nextPosition = firstPosition;
  }

  /** Makes a written (and, with fsync=always, fsynced) group visible to readers, in order. */
  private void publish(List<Staged> group, long end, Segment segment) {
    for (Staged s : group) {
      segment.offsets.add(s.offset());
      s.entry().positions.add(s.position());
      if (TimeIndex.sampled(s.position())) {
        state.time.samples.add(s.micros());
      }
      ids.add(s.id(), s.position());
    }
    segment.offsets.publish();
    // the segment's readable end before any index that leads a reader to these events: a reader that
    // follows a stream's new position (readStream, listStreams, a stream subscription) must find its
    // record within the end it reads, or it takes the short read for damage
    segment.publishEnd(end);
    for (Staged s : group) {
      s.entry().positions.publish();
    }
    state.time.samples.publish();
    long head = group.getLast().position();
    // published events are found through the stream index and the id window from now on
    for (Staged s : group) {
      pendingIds.remove(s.id());
      List<Staged> pending = pendingByStream.get(s.entry());
      if (pending != null && pending.getFirst().position() <= head) {
        int k = 0;
        while (k < pending.size() && pending.get(k).position() <= head) {
          k++;
        }
        if (k == pending.size()) {
          pendingByStream.remove(s.entry());
        } else {
          pending.subList(0, k).clear();
        }
      }
    }
    state.publishHead(head);
    publishedMicros = group.getLast().micros(); // after the head: who sees it sees the events it covers
    onPublished.accept(head);
  }

  /**
   * Seals the active segment before the next one starts: it ends at its last record (no zeros after it)
   * and is on disk. A failure here is fail-stop (an fsync is never retried).
   */
  private void seal() throws IOException {
    long covered = state.head();
    if (allocatedEnd > writeEnd) {
      trimPreallocation();
      dirty = false;
    } else if (!(options.fsync() instanceof FsyncMode.Always) && dirty) {
      channel.force();
      dirty = false;
    }
    durableHead = covered;
  }

  /**
   * Starts the next segment (header written and fsynced, directory fsynced). On failure the half-made
   * file is deleted and the sealed segment stays active: a full disk here refuses only the group.
   */
  private void startSegment() throws IOException {
    long base = state.head() + 1;
    Path file = state.dir.resolve(Segment.fileName(base));
    WriteChannel next = options.writeChannels().open(file);
    try {
      next.writeFully(Segment.header(base), 0);
      next.force();
      IndexCheckpoint.fsyncDirectory(state.dir);
    } catch (IOException e) {
      // e.g. a full disk: take the half-made file away, so the active segment stays the last one
      try {
        next.close();
        Files.deleteIfExists(file);
        IndexCheckpoint.fsyncDirectory(state.dir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    state.addSegment(new Segment(base, file, new IntColumn(1 << 14), Segment.HEADER));
    channel.close();
    channel = next;
    writeEnd = Segment.HEADER;
    allocatedEnd = Segment.HEADER;
  }

  private void failStop(String what, Throwable cause) {
    if (failure == null) {
      LOG.error("{}: the store stops accepting appends (fail-stop); reads keep working; reopen to recover", what, cause);
      failure = new StoreUnavailableException(what + " (" + cause + "); the store refuses appends until it is reopened",
          cause);
    }
  }

  // ---- staging ---------------------------------------------------------------------------------------

  private final Idempotency.Lookup lookup = new Idempotency.Lookup() {
    @Override
    public Optional<Idempotency.Written> byId(UUID id) {
      Staged s = pendingIds.get(id);
      if (s != null) {
        return Optional.of(s.written());
      }
      long p = ids.get(id);
      if (p == 0 || p <= state.head() - options.idempotencyWindow()) {
        return Optional.empty();
      }
      return Optional.of(writtenAt(p));
    }

    @Override
    public Optional<Idempotency.Written> at(String stream, long version) {
      Optional<StreamIndex.Entry> e = state.streams.get(stream);
      if (e.isEmpty() || version < 1) {
        return Optional.empty();
      }
      StreamIndex.Entry entry = e.get();
      long published = entry.version();
      if (version <= published) {
        return Optional.of(writtenAt(entry.positions.get((int) (version - 1))));
      }
      List<Staged> pending = pendingByStream.get(entry);
      if (pending == null || version - published > pending.size()) {
        return Optional.empty();
      }
      return Optional.of(pending.get((int) (version - published - 1)).written());
    }
  };

  private final LogState.Reader lookupReader() {
    return state.new Reader(1 << 12);
  }

  private Idempotency.Written writtenAt(long position) {
    RecordCursor c = lookupReader().load(position, false);
    ByteBuffer b = c.buf;
    int at = c.at;
    UUID id = new UUID(EventRecord.idMost(b, at), EventRecord.idLeast(b, at));
    Instant recordedAt = EventRecord.micros(EventRecord.recordedAtMicros(b, at));
    boolean imported = EventRecord.imported(b, at);
    return new Idempotency.Written(id, EventRecord.stream(b, at), EventRecord.version(b, at), position, recordedAt,
        imported ? 0 : EventRecord.indexInBatch(b, at), imported ? 1 : EventRecord.batchSize(b, at));
  }

  private long now() {
    return EventRecord.toMicros(options.clock().instant());
  }

  private AppendResult stageAppend(AppendRequest a) {
    Optional<StreamIndex.Entry> existing = a.prepared().entry() != null
        ? Optional.of(a.prepared().entry())
        : state.streams.get(a.stream());
    long actual = existing.map(e -> e.pendingVersion).orElse(0L);
    Optional<AppendResult> earlier = Idempotency.check(a.stream(), a.expected(), actual, a.ids(), lookup);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    a.expected().check(a.stream(), actual);
    StreamIndex.Entry entry = existing.orElseGet(() -> state.streams.getOrCreate(a.stream()));
    long micros = Math.max(now(), groupMicros);
    groupMicros = micros;
    Instant recordedAt = EventRecord.micros(micros);
    long firstPosition = nextPosition;
    long firstVersion = entry.pendingVersion + 1;
    int n = a.events().size();
    for (int i = 0; i < n; i++) {
      EventData e = a.events().get(i);
      stage(entry, e, a.prepared().dataDigests()[i], e.metadata().unsafeBytes(), micros, e.effectiveAt().orElse(recordedAt),
          i, n, false);
    }
    return new AppendResult(a.stream(), firstVersion, entry.pendingVersion, firstPosition, nextPosition - 1, recordedAt);
  }

  private ImportResult stageImport(ImportRequest r) {
    List<ImportEvent> events = r.events();
    int known = 0;
    long firstKnown = 0;
    long lastKnown = 0;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      Optional<Idempotency.Written> w = lookup.byId(ie.event().id());
      if (w.isPresent()) {
        if (!w.get().stream().equals(ie.stream())) {
          throw new IdempotencyConflictException(ie.stream(), ie.event().id(),
              "was already written to stream '" + w.get().stream() + "'");
        }
        if (known == 0) {
          firstKnown = w.get().position();
        }
        lastKnown = w.get().position();
        known++;
      }
    }
    if (known == events.size()) {
      return new ImportResult(events.size(), firstKnown, lastKnown);
    }
    if (known > 0) {
      throw new IdempotencyConflictException(events.get(0).stream(), events.get(0).event().id(),
          "import mixes " + known + " already written events with new ones");
    }
    // after the ids: a retry of an import that was written is answered as such, not refused for its times
    long first = EventRecord.toMicros(events.get(0).recordedAt());
    if (first < groupMicros) {
      throw new InvalidInputException("recordedAt " + events.get(0).recordedAt() + " is before the store's last recordedAt "
          + EventRecord.micros(groupMicros));
    }
    long firstPosition = nextPosition;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      long micros = EventRecord.toMicros(ie.recordedAt());
      groupMicros = Math.max(groupMicros, micros);
      StreamIndex.Entry entry = state.streams.getOrCreate(ie.stream());
      stage(entry, ie.event(), r.prepared().dataDigests()[i], r.metadata().get(i).unsafeBytes(), micros,
          ie.event().effectiveAt().orElse(EventRecord.micros(micros)), i, events.size(), true);
    }
    return new ImportResult(events.size(), firstPosition, nextPosition - 1);
  }

  private void stage(StreamIndex.Entry entry, EventData e, byte[] dataDigest, byte[] metadata, long micros,
      Instant effectiveAt, int index, int batchSize, boolean imported) {
    byte[] type = e.type().getBytes(StandardCharsets.ISO_8859_1);
    byte[] data = e.data().unsafeBytes();
    int size = EventRecord.size(entry.nameBytes.length, type.length, data.length, metadata.length);
    ensureCapacity(size);
    int offset = (int) (writeEnd + buffer.position());
    long position = nextPosition++;
    long version = ++entry.pendingVersion;
    EventRecord.write(buffer, position, version, e.id(), micros, effectiveAt, batchSize, index, imported,
        entry.nameBytes, type, data, dataDigest, metadata, groupChain, sha);
    Staged s = new Staged(entry, position, version, e.id(), micros, offset, index, batchSize, imported);
    staged.add(s);
    pendingIds.put(e.id(), s);
    pendingByStream.computeIfAbsent(entry, k -> new ArrayList<>()).add(s);
  }

  private void ensureCapacity(int more) {
    if (buffer.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
  }

  // ---- completion ------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static void complete(Request r, Object outcome) {
    if (outcome instanceof Throwable t) {
      fail(r, t);
      return;
    }
    switch (r) {
      case AppendRequest a -> a.result().complete((AppendResult) outcome);
      case ImportRequest i -> i.result().complete((ImportResult) outcome);
      case Stop s -> { }
      case Synced s -> { }
    }
  }

  private static void fail(Request r, Throwable t) {
    switch (r) {
      case AppendRequest a -> a.result().completeExceptionally(t);
      case ImportRequest i -> i.result().completeExceptionally(t);
      case Stop s -> { }
      case Synced s -> { }
    }
  }
}
