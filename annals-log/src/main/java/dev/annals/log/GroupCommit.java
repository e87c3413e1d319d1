package dev.annals.log;

import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's single writer: the group-commit loop. Callers submit appends and wait on a ticket; this
 * thread takes every queued submission, has the {@link Stager} check and encode the whole group into one
 * buffer, and has the {@link ActiveSegment} write it with one call (rolling to a new segment first when
 * the active one is full). Then:
 * <ul>
 *   <li>{@code fsync=always}: the group joins the groups <em>in flight</em> and the {@link Forcer} is
 *       asked for an fsync. The writer goes straight on to the next group while the disk works; the
 *       forcer fsyncs once for every group written before its fsync began and reports back through the
 *       writer's queue ({@link Synced}); the writer then publishes those groups, in order, to readers.
 *       A group that wrote nothing (retries, refusals) waits behind the groups in flight, because a retry
 *       may name an event that is not durable yet. Nothing is readable or acknowledged before its fsync.
 *   <li>{@code interval} and {@code never}: the group is published as soon as it is written; the
 *       interval fsync runs on this thread.
 * </ul>
 * Published groups go to the {@link Completer}, which completes the callers' tickets.
 *
 * <p>Failures: a failed fsync or write makes the store fail-stop (every later append is refused with
 * {@link StoreUnavailableException}; reads keep working; the fsync is never retried). A full disk while
 * writing a group or starting the next segment is the exception ({@link ActiveSegment.DiskFull}): the
 * group is refused with a clear error and the store stays writable (and consistent). A full disk
 * anywhere else (sealing a segment's fsync) is fail-stop.
 *
 * <p>Threads: the loop, the in-flight queue, the stager and the active segment belong to the writer
 * thread. {@link #submit}, {@link #stop}, {@link #awaitStampedBefore} and the getters are thread-safe.
 * A segment is sealed only when no group is in flight.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** Submissions taken from the queue at once. */
  static final int MAX_GROUP_REQUESTS = 4096;

  /** What the writer's queue carries. */
  sealed interface Message permits Submission, Stop, Synced {}

  /** Finish what is queued, fsync, and end. */
  record Stop() implements Message {}

  /** From the forcer: every group up to {@code seq} is on disk, or ({@code error} set) the fsync failed. */
  record Synced(long seq, @Nullable Throwable error) implements Message {}

  /** A group on its way to disk: published and completed once an fsync that began after its write ends. */
  private record InFlight(long seq, List<Stager.Staged> staged, long end, Segment segment, Completer.Group done) {}

  private final LogState state;
  private final LogOptions options;
  private final LongConsumer onPublished;
  private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Completer completer;
  /** {@code fsync=always} only. */
  private final @Nullable Forcer forcer;
  private final CommitMetrics metrics = new CommitMetrics();
  private final RecordedAtBarrier stamps = new RecordedAtBarrier();
  private volatile @Nullable StoreUnavailableException failure;
  private volatile boolean exited;
  /**
   * fsync=interval and never: the last position known to be on disk (covered by a successful fsync of
   * the writer: an interval fsync, a segment's seal, the final one; recovery fsyncs what it opened).
   * With fsync=always every published position is; see {@link #durableHead()}.
   */
  private volatile long durableHead;

  // writer-thread state
  private final Stager stager;
  private final ActiveSegment active;
  /** Messages taken from the queue but left for the next round (a group's overflow, arrivals during a roll). */
  private final ArrayDeque<Message> carry = new ArrayDeque<>();
  /** Groups written (or, when they wrote nothing, waiting behind written ones) but not yet fsynced, oldest first. */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** Sequence number of the last group written. */
  private long groupSeq;
  private long lastFsyncNanos = System.nanoTime();

  GroupCommit(LogState state, DataDirectory dir, Recovery.Recovered recovered, LongConsumer onPublished)
      throws IOException {
    this.state = state;
    this.options = state.options;
    this.onPublished = onPublished;
    this.stager = new Stager(state, recovered.ids(), recovered.chain(), recovered.lastRecordedAtMicros());
    boolean always = options.fsync() instanceof FsyncMode.Always;
    this.active = new ActiveSegment(state, dir, always);
    this.durableHead = state.head();
    String name = String.valueOf(state.dir.getFileName());
    this.thread = Thread.ofPlatform().daemon().name("annals-log-writer-" + name).unstarted(this::run);
    this.completer = new Completer("annals-log-completer-" + name);
    this.forcer = always ? new Forcer("annals-log-syncer-" + name, metrics, queue::add) : null;
  }

  void start() {
    completer.start();
    if (forcer != null) {
      forcer.start();
    }
    thread.start();
  }

  /**
   * The last position on disk by the writer's own fsyncs: what an index checkpoint may cover (open
   * refuses a log shorter than its checkpoint). A second fsync through another file descriptor would not
   * do: after a failed fsync, Linux reports success to a descriptor opened later.
   */
  long durableHead() {
    return forcer != null ? state.head() : durableHead;
  }

  /** Groups written so far (each one write call). */
  long groups() {
    return metrics.groups();
  }

  /** See {@link CommitMetrics#fsyncs()}. */
  long fsyncs() {
    return metrics.fsyncs();
  }

  /** See {@link dev.annals.core.FsyncReporting}: the forcer's and the interval fsyncs. */
  void onFsync(LongConsumer nanos) {
    metrics.onFsync(nanos);
  }

  Optional<StoreUnavailableException> failure() {
    return Optional.ofNullable(failure);
  }

  /** See {@link RecordedAtBarrier#awaitStampedBefore}. */
  void awaitStampedBefore(long micros) {
    stamps.awaitStampedBefore(micros);
  }

  /** Queues a submission; fails its ticket when the writer has stopped. */
  void submit(Submission<?> s) {
    StoreUnavailableException f = failure;
    if (f != null) {
      s.fail(f);
      return;
    }
    stamps.submitted();
    queue.add(s);
    if (exited && queue.remove(s)) {
      stamps.answered(1);
      s.fail(closed());
    }
  }

  /** Finishes every queued submission, fsyncs, and stops the threads. */
  void stop() {
    queue.add(new Stop());
    try {
      thread.join();
      completer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StoreUnavailableException closed() {
    return new StoreUnavailableException("the store is closed");
  }

  // ---- the loop --------------------------------------------------------------------------------------

  private void run() {
    List<Message> taken = new ArrayList<>();
    List<Submission<?>> group = new ArrayList<>();
    try {
      while (true) {
        taken.clear();
        group.clear();
        if (!carry.isEmpty()) {
          taken.addAll(carry);
          carry.clear();
        } else {
          Message first = queue.poll(idleWaitNanos(), TimeUnit.NANOSECONDS);
          if (first == null) {
            intervalFsync(true);
            continue;
          }
          taken.add(first);
        }
        queue.drainTo(taken, MAX_GROUP_REQUESTS);
        boolean stop = false;
        for (Message m : taken) {
          switch (m) {
            case Synced s -> handleSynced(s);
            case Stop s -> stop = true;
            case Submission<?> s -> {
              if (stop) {
                s.fail(closed());
              } else {
                group.add(s);
              }
            }
          }
        }
        if (stop) {
          List<Submission<?>> before = new ArrayList<>(group);
          taken.clear();
          while (!before.isEmpty()) {
            // in group while it is processed: an unexpected error fails them on the way out; once processed
            // they are answered (maybe handed to the completer), so never failed again
            group.clear();
            group.addAll(before);
            processGroup(before);
            group.clear();
            before = new ArrayList<>();
            takeCarried(before);
          }
          awaitInFlight(m -> {
            if (m instanceof Submission<?> s) {
              s.fail(closed());
            }
          });
          finalFsync();
          return;
        }
        if (group.isEmpty()) {
          continue;
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
      stamps.writerStopped();
      // a submission of a group that an unexpected error interrupted must not wait forever
      StoreUnavailableException f = failure;
      StoreUnavailableException stopped = f != null ? f : closed();
      failInFlight(stopped);
      if (forcer != null) {
        forcer.stop();
      }
      group.forEach(s -> s.fail(stopped));
      for (Message m : taken) {
        if (m instanceof Submission<?> s) {
          s.fail(stopped);
        }
      }
      for (Message m : carry) {
        if (m instanceof Submission<?> s) {
          s.fail(stopped);
        }
      }
      carry.clear();
      Message m;
      while ((m = queue.poll()) != null) {
        if (m instanceof Submission<?> s) {
          s.fail(closed());
        }
      }
      active.close();
      completer.finish();
    }
  }

  /** Moves the carried submissions into {@code into} (while stopping: a second stop adds nothing). */
  private void takeCarried(List<Submission<?>> into) {
    for (Message m : carry) {
      if (m instanceof Submission<?> s) {
        into.add(s);
      }
    }
    carry.clear();
  }

  private long idleWaitNanos() {
    if (options.fsync() instanceof FsyncMode.Interval(var period) && active.unsynced()) {
      return Math.max(1, period.toNanos() - (System.nanoTime() - lastFsyncNanos));
    }
    return TimeUnit.SECONDS.toNanos(1);
  }

  private void intervalFsync(boolean idle) {
    if (!(options.fsync() instanceof FsyncMode.Interval(var period)) || !active.unsynced() || failure != null) {
      return;
    }
    if (idle || System.nanoTime() - lastFsyncNanos >= period.toNanos()) {
      try {
        long started = System.nanoTime();
        long covered = state.head();
        active.force();
        durableHead = covered;
        lastFsyncNanos = System.nanoTime();
        metrics.intervalFsynced(lastFsyncNanos - started);
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
      active.seal();
      durableHead = covered;
    } catch (IOException e) {
      failStop("fsync of " + state.active().file + " failed on close", e);
    }
  }

  // ---- one group ------------------------------------------------------------------------------------

  private void processGroup(List<Submission<?>> group) throws InterruptedException {
    StoreUnavailableException failed = failure;
    if (failed != null) {
      group.forEach(s -> s.fail(failed));
      return;
    }
    if (active.end() >= options.segmentBytes() && active.end() > Segment.HEADER && !roll(group)) {
      return;
    }
    stager.begin(active.end());
    int taken = 0;
    for (; taken < group.size() && !stager.full(); taken++) {
      stager.stage(group.get(taken));
    }
    for (int i = taken; i < group.size(); i++) {
      carry.add(group.get(i));
    }
    Completer.Group done = new Completer.Group(group.subList(0, taken).toArray(new Submission<?>[0]));
    if (stager.isEmpty()) {
      // retries and refusals only: answered once everything before them is on disk (a retry may name an event in flight)
      if (inFlight.isEmpty()) {
        answer(done);
      } else {
        inFlight.add(new InFlight(groupSeq, List.of(), active.end(), active.segment(), done));
      }
      return;
    }
    switch (active.write(stager.records())) {
      case ActiveSegment.Done ok -> { }
      case ActiveSegment.DiskFull full -> {
        refuseWritten(done, full.refusal()); // the store stays writable
        return;
      }
      case ActiveSegment.Failed f -> {
        refuseWritten(done, failStop(f.what(), f.cause()));
        return;
      }
    }
    List<Stager.Staged> written = stager.written();
    metrics.groupWritten();
    groupSeq++;
    if (forcer != null) {
      inFlight.add(new InFlight(groupSeq, written, active.end(), active.segment(), done));
      forcer.request(groupSeq, active.channel());
    } else {
      publish(written, active.end(), active.segment());
      answer(done);
    }
  }

  /** A group whose write failed: nothing of it is readable; each caller gets its own refusal or {@code cause}. */
  private void refuseWritten(Completer.Group done, StoreUnavailableException cause) {
    stager.unstage();
    stamps.answered(done.size());
    done.failUnlessRefused(cause);
  }

  /**
   * Seals the full active segment and starts the next one; false when {@code group} was refused instead.
   * A failed seal is fail-stop (an fsync or truncate of acknowledged data is never retried, whatever the
   * cause, a full disk too); a full disk while starting the next segment refuses only this group.
   */
  private boolean roll(List<Submission<?>> group) throws InterruptedException {
    // the forcer must be done with this segment before it is sealed and its channel closed
    awaitInFlight(carry::add);
    StoreUnavailableException stopped = failure;
    if (stopped != null) {
      failAll(group, stopped);
      return false;
    }
    try {
      long covered = state.head();
      active.seal();
      durableHead = covered;
    } catch (IOException e) {
      failAll(group, failStop("sealing " + active.segment().file + " failed", e));
      return false;
    }
    return switch (active.roll()) {
      case ActiveSegment.Done ok -> true;
      case ActiveSegment.DiskFull full -> {
        // nothing was staged: the sealed segment stays active, the next group rolls again
        stamps.answered(group.size());
        group.forEach(s -> s.fail(full.refusal()));
        yield false;
      }
      case ActiveSegment.Failed f -> {
        failAll(group, failStop(f.what(), f.cause()));
        yield false;
      }
    };
  }

  private void failAll(List<Submission<?>> group, StoreUnavailableException cause) {
    group.forEach(s -> s.fail(cause));
  }

  private void answer(Completer.Group done) {
    stamps.answered(done.size());
    completer.hand(done);
  }

  /** Makes a written (and, with fsync=always, fsynced) group visible to readers, in order. */
  private void publish(List<Stager.Staged> group, long end, Segment segment) {
    for (Stager.Staged s : group) {
      segment.offsets.add(s.offset());
      s.entry().positions.add(s.position());
      if (TimeIndex.sampled(s.position())) {
        state.time.samples.add(s.micros());
      }
    }
    segment.offsets.publish();
    // the segment's readable end before any index that leads a reader to these events: a reader that
    // follows a stream's new position (readStream, listStreams, a stream subscription) must find its
    // record within the end it reads, or it takes the short read for damage
    segment.publishEnd(end);
    for (Stager.Staged s : group) {
      s.entry().positions.publish();
    }
    state.time.samples.publish();
    long head = group.getLast().position();
    stager.published(group, head);
    state.publishHead(head);
    stamps.published(group.getLast().micros()); // after the head: who sees it sees the events it covers
    onPublished.accept(head);
  }

  // ---- groups in flight (fsync=always) ----------------------------------------------------------------

  /** Publishes and completes the groups an fsync covered, or fails every group in flight. */
  private void handleSynced(Synced s) {
    Throwable error = s.error();
    if (error != null) {
      failInFlight(failStop("fsync of " + state.active().file + " failed; acknowledged data is safe, the groups written"
          + " since were not acknowledged", error));
      return;
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().seq() <= s.seq()) {
      InFlight w = inFlight.pollFirst();
      if (!w.staged().isEmpty()) {
        publish(w.staged(), w.end(), w.segment());
      }
      answer(w.done());
    }
  }

  /** Fails the callers of every group in flight (their own refusals stay theirs). */
  private void failInFlight(StoreUnavailableException cause) {
    for (InFlight w : inFlight) {
      w.done().failUnlessRefused(cause);
    }
    inFlight.clear();
  }

  /** Waits until every group in flight is published (or failed); other messages meanwhile go to {@code other}. */
  private void awaitInFlight(Consumer<Message> other) throws InterruptedException {
    while (!inFlight.isEmpty()) {
      Message m = queue.take();
      if (m instanceof Synced s) {
        handleSynced(s);
      } else {
        other.accept(m);
      }
    }
  }

  /** Stops the store for appends (once; a later failure keeps the first) and returns the failure it stopped with. */
  private StoreUnavailableException failStop(String what, Throwable cause) {
    StoreUnavailableException f = failure;
    if (f == null) {
      LOG.error("{}: the store stops accepting appends (fail-stop); reads keep working; reopen to recover", what, cause);
      f = new StoreUnavailableException(what + " (" + cause + "); the store refuses appends until it is reopened", cause);
      failure = f;
      stamps.writerStopped();
    }
    return f;
  }
}
