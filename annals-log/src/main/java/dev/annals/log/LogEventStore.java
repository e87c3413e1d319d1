package dev.annals.log;

import dev.annals.core.AppendResult;
import dev.annals.core.AppendValidator;
import dev.annals.core.CatchUpSubscription;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.FsyncReporting;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Json;
import dev.annals.core.Metadata;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.StreamNames;
import dev.annals.core.Subscription;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable log as an {@link EventStore} (docs/storage.md). Appends go through the single writer
 * ({@link GroupCommit}); reads go straight to the segment files through the in-memory indexes and see
 * only what the writer has published. Open with {@link Annals#open}. Thread-safe.
 */
public final class LogEventStore implements EventStore, FsyncReporting, dev.annals.core.StoredEventReader {

  private static final Logger LOG = LoggerFactory.getLogger(LogEventStore.class);
  static final int READ_WINDOW = 1 << 20;
  static final int POINT_WINDOW = 1 << 14;
  /** Events a subscription reads per page while catching up. */
  static final int SUBSCRIPTION_PAGE = 1024;

  private final Path dir;
  private final LogOptions options;
  private final DataDirectory dataDir;
  private final LogState state;
  private final UUID storeId;
  private final dev.annals.core.LocalRoles roles = new dev.annals.core.LocalRoles();
  private final GroupCommit writer;
  private final LogReads reads;
  private final AppendValidator validator;
  /** Cloned by each append for its events' data digests ({@link Submission.Prepared}); never used itself. */
  private final MessageDigest sha = EventRecord.sha256();
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean checkpointRunning = new AtomicBoolean();
  private final Object checkpointLock = new Object();
  private final long cutBytes;
  private volatile long lastCheckpointHead;
  /** Guarded by checkpointLock. */
  private boolean filesClosed;

  private LogEventStore(DataDirectory dataDir, LogOptions options, Recovery.Recovered recovered) throws IOException {
    this.dir = dataDir.path();
    this.options = options;
    this.dataDir = dataDir;
    this.state = recovered.state();
    this.storeId = StoreIdFile.readOrCreate(dir);
    this.validator = new AppendValidator(options.limits());
    this.cutBytes = recovered.cutBytes();
    this.lastCheckpointHead = recovered.indexRebuilt() ? -1 : state.head();
    this.reads = new LogReads(state);
    this.writer = new GroupCommit(state, dataDir, recovered, this::afterPublish);
    writer.start();
  }

  static LogEventStore open(Path dir, LogOptions options) {
    try {
      Files.createDirectories(dir);
      DataDirectory dataDir = DataDirectory.lock(dir, options.writeChannels());
      try {
        Recovery.Recovered recovered = Recovery.recover(dataDir, options);
        LogEventStore store = new LogEventStore(dataDir, options, recovered);
        if (recovered.indexRebuilt() || recovered.cutBytes() > 0) {
          store.checkpointInBackground();
        }
        return store;
      } catch (RuntimeException | IOException | Error e) {
        dataDir.close();
        throw e;
      }
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot open the log in " + dir + ": " + e, e);
    }
  }

  /** The data directory. */
  public Path directory() {
    return dir;
  }

  public LogOptions options() {
    return options;
  }

  /** Bytes of unacknowledged torn tail cut when this store was opened (0 after a clean shutdown). */
  public long bytesCutOnOpen() {
    return cutBytes;
  }

  /** Groups the writer has written since open (each is one write call; with fsync=always, one fsync). */
  public long groupsWritten() {
    return writer.groups();
  }

  /** fsyncs of the write path since open (fsync=always: one per group). */
  public long fsyncs() {
    return writer.fsyncs();
  }

  @Override
  public void onFsync(LongConsumer nanos) {
    writer.onFsync(nanos);
  }

  /** The fail-stop cause, when an I/O error stopped appends. */
  public Optional<StoreUnavailableException> failure() {
    return writer.failure();
  }

  // ---- writes ----------------------------------------------------------------------------------------

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    validator.validate(stream, events);
    ensureOpen();
    List<UUID> ids = new ArrayList<>(events.size());
    for (EventData e : events) {
      ids.add(e.id());
    }
    List<EventData> copy = List.copyOf(events);
    Completer.Ticket<AppendResult> result = new Completer.Ticket<>();
    writer.submit(new Submission.Append(stream, expected, copy, ids,
        Submission.Prepared.of(state.streams.get(stream).orElse(null), copy, digest()), result));
    return await(result);
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    validator.validateImport(events, options.clock().instant());
    List<Json> metadata = new ArrayList<>(events.size());
    for (ImportEvent ie : events) {
      metadata.add(ie.event().metadata().with(Metadata.IMPORTED, BooleanNode.TRUE));
    }
    ensureOpen();
    List<ImportEvent> copy = List.copyOf(events);
    Completer.Ticket<ImportResult> result = new Completer.Ticket<>();
    writer.submit(new Submission.Import(copy, metadata,
        Submission.Prepared.of(null, copy.stream().map(ImportEvent::event).toList(), digest()), result));
    return await(result);
  }

  /** A SHA-256 digest of the caller's own. */
  private MessageDigest digest() {
    try {
      return (MessageDigest) sha.clone();
    } catch (CloneNotSupportedException e) {
      return EventRecord.sha256();
    }
  }

  private static <T> T await(Completer.Ticket<T> f) {
    try {
      T done = f.join();
      f.helpGroup();
      return done;
    } catch (CompletionException e) {
      f.helpGroup();
      if (e.getCause() instanceof EventStoreException ese) {
        throw ese;
      }
      throw e;
    }
  }

  private void afterPublish(long head) {
    if (head - lastCheckpointHead >= options.checkpointEvery()) {
      checkpointInBackground();
    }
  }

  private void checkpointInBackground() {
    if (checkpointRunning.compareAndSet(false, true)) {
      Thread.ofVirtual().name("annals-log-checkpoint").start(() -> {
        try {
          if (!closed.get()) {
            checkpointNow();
          }
        } finally {
          checkpointRunning.set(false);
        }
      });
    }
  }

  /**
   * Writes the index checkpoint for the current head, or for less: only what the writer's own fsyncs put
   * on disk (with fsync=never or interval the last fsync may lie behind the head), since open refuses a
   * log shorter than its checkpoint. Nothing after the writer failed.
   */
  void checkpointNow() {
    synchronized (checkpointLock) {
      if (filesClosed) {
        return;
      }
      if (writer.failure().isPresent()) {
        return; // after a failed fsync nothing past the last good one may be claimed acknowledged
      }
      long published = state.head();
      long h = Math.min(published, writer.durableHead());
      try {
        writeCheckpoint(h);
        lastCheckpointHead = published; // the next one in checkpointEvery events, whatever this one covered
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("writing the index checkpoint in {} failed (the next open replays more of the log): {}", dir, e.toString());
      }
    }
  }

  private void writeCheckpoint(long h) throws IOException {
    if (h == 0) {
      IndexCheckpoint.write(dir, 0, state.segments().get(0).basePosition, Segment.HEADER, EventRecord.GENESIS_HASH,
          Long.MIN_VALUE, state.segments(), state.streams, state.time);
      return;
    }
    Segment seg = state.segmentFor(h);
    RecordCursor c = state.new Reader(POINT_WINDOW).load(h, false);
    byte[] hash = new byte[EventRecord.HASH_BYTES];
    EventRecord.chainHash(c.buf, c.at, hash);
    long resumeOffset = seg.offsetOf(h) + (long) EventRecord.size(c.buf, c.at);
    IndexCheckpoint.write(dir, h, seg.basePosition, resumeOffset, hash, EventRecord.recordedAtMicros(c.buf, c.at),
        state.segments(), state.streams, state.time);
  }

  // ---- reads -----------------------------------------------------------------------------------------

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    StreamNames.validate(stream);
    validator.checkLimit(limit);
    return reads.readStream(stream, fromVersion, direction, limit);
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    validator.checkLimit(limit);
    return reads.readAll(fromPosition, direction, limit, filter);
  }

  @Override
  public long positionAt(Instant instant) {
    if (instant.getEpochSecond() < -62_135_596_800L) {
      return 1;
    }
    if (instant.getEpochSecond() > 253_402_300_799L) {
      return state.head() + 1;
    }
    long micros = EventRecord.toMicros(instant) + (instant.getNano() % 1000 == 0 ? 0 : 1);
    if (instant.isBefore(options.clock().instant())) {
      writer.awaitStampedBefore(micros); // a past instant's answer must never change (EventStore#positionAt)
    }
    return reads.firstRecordedAtOrAfter(micros);
  }

  @Override
  public List<StreamInfo> listStreams(StreamQuery query, int limit) {
    validator.checkLimit(limit);
    return reads.listStreams(query, limit);
  }

  @Override
  public long headPosition() {
    return state.head();
  }

  @Override
  public long streamVersion(String stream) {
    return state.streams.version(stream);
  }

  // ---- subscriptions ---------------------------------------------------------------------------------

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    ensureOpen();
    return register(CatchUpSubscription.start("annals-log-sub-all", fromPosition,
        (cursor, n) -> readAll(cursor, Direction.FORWARD, n, filter), state.notifier, handler,
        RecordedEvent::position, SUBSCRIPTION_PAGE, this::forgetStopped));
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    StreamNames.validate(stream);
    ensureOpen();
    return register(CatchUpSubscription.start("annals-log-sub-" + stream, fromVersion,
        (cursor, n) -> readStream(stream, cursor, Direction.FORWARD, n), state.notifier, handler,
        RecordedEvent::version, SUBSCRIPTION_PAGE, this::forgetStopped));
  }

  private Subscription register(Subscription s) {
    subscriptions.add(s);
    if (closed.get()) {
      s.close();
    }
    return s;
  }

  private void forgetStopped() {
    subscriptions.removeIf(Subscription::isStopped);
  }

  // ---- verify and close ------------------------------------------------------------------------------

  /** Checks this open store's log, hash chain and index checkpoint up to the current head (docs/storage.md). */
  public VerifyReport verify(LogVerifier.Progress progress) {
    synchronized (checkpointLock) {
      return new LogVerifier(dir, progress).verifyUpTo(state.head());
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreUnavailableException("the store is closed");
    }
  }

  /** Stops appends, fsyncs, writes the index checkpoint and releases the directory. Idempotent. */
  @Override
  public void close() {
    shutdown(true);
  }

  /**
   * Like a crash of the process: stops without writing the index checkpoint, so the next open replays
   * the log after the last checkpoint. For tests.
   */
  void closeWithoutCheckpoint() {
    shutdown(false);
  }

  private void shutdown(boolean checkpoint) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Subscription s : List.copyOf(subscriptions)) {
      s.close();
    }
    subscriptions.clear();
    roles.releaseAll();
    writer.stop();
    state.notifier.wakeAll();
    if (checkpoint && writer.failure().isEmpty()) {
      checkpointNow();
    }
    synchronized (checkpointLock) {
      filesClosed = true; // a background checkpoint still waiting for the lock now does nothing
    }
    for (Segment s : state.segments()) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", s.file, e.toString());
      }
    }
    try {
      dataDir.close();
    } catch (IOException e) {
      LOG.warn("releasing the lock of {}: {}", dir, e.toString());
    }
  }

  // ---- stored events, for exporters (StoredEventReader) ----

  /** Kept in the data directory's {@code store-id} file, written on the first open. */
  @Override
  public UUID storeId() {
    return storeId;
  }

  @Override
  public List<dev.annals.core.StoredEvent> readStored(long fromPosition, int limit) {
    return StoredReads.read(state, fromPosition, limit);
  }

  @Override
  public boolean awaitHeadAbove(long position, java.time.Duration timeout) throws InterruptedException {
    return state.notifier.awaitAbove(position, timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Within this process: the data directory's lock keeps every other process out of the store. */
  @Override
  public Optional<dev.annals.core.ExclusiveRole> tryAcquireRole(String role) {
    ensureOpen();
    return roles.tryAcquire(role);
  }
}
