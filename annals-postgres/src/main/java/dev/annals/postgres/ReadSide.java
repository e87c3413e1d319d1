package dev.annals.postgres;

import dev.annals.core.AppendValidator;
import dev.annals.core.CommitNotifier;
import dev.annals.core.Direction;
import dev.annals.core.EventHandler;
import dev.annals.core.Filter;
import dev.annals.core.Limits;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamNames;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * Everything {@link PostgresEventStore} reads: pages ({@link EventReader}), positions by time
 * ({@link PositionAt}), the stream listing ({@link StreamLister}) and subscriptions
 * ({@link Subscriptions}, woken by a {@link HeadWatcher}). The facade delegates its read methods here;
 * the write side calls {@link #appended} after each local commit so local subscribers need not wait for
 * the notification. Thread-safe.
 */
final class ReadSide implements AutoCloseable {

  /** How often the head is read when no notification comes. */
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  /** Events per page a subscription reads. */
  static final int SUBSCRIPTION_PAGE = 5_000;

  private final EventReader reader;
  private final PositionAt positionAt;
  private final StreamLister lister;
  private final CommitNotifier notifier = new CommitNotifier(0);
  private final HeadWatcher watcher;
  private final Subscriptions subscriptions;
  private volatile boolean closed;

  /**
   * @param pool the store's connection pool
   * @param listenConnections opens the watcher's own connection (outside the pool)
   * @param schema the store's schema
   * @param channel the store's LISTEN/NOTIFY channel (appends notify it with the new head position)
   * @param pollInterval how often the head is read when no notification comes
   * @param listen false to rely on polling alone
   */
  ReadSide(DataSource pool, HeadWatcher.ConnectionOpener listenConnections, String schema, String channel,
      Limits limits, Duration pollInterval, boolean listen) {
    SchemaTables tables = SchemaTables.of(schema);
    AppendValidator validator = new AppendValidator(limits);
    this.reader = new EventReader(pool, tables, validator);
    this.positionAt = new PositionAt(pool, tables);
    this.lister = new StreamLister(pool, tables, validator);
    this.watcher = new HeadWatcher(listenConnections, channel, tables, notifier,
        pollInterval, listen);
    this.subscriptions = new Subscriptions(notifier, watcher, Math.min(SUBSCRIPTION_PAGE, limits.maxReadLimit()));
  }

  ReadSide(DataSource pool, HeadWatcher.ConnectionOpener listenConnections, String schema, String channel,
      Limits limits) {
    this(pool, listenConnections, schema, channel, limits, DEFAULT_POLL_INTERVAL, true);
  }

  /** The write side: events up to {@code head} are committed (wakes this process's subscribers at once). */
  void appended(long head) {
    notifier.advance(head);
  }

  Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    ensureOpen();
    return reader.readStream(stream, fromVersion, direction, limit);
  }

  Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    ensureOpen();
    return reader.readAll(fromPosition, direction, limit, filter);
  }

  long positionAt(Instant instant) {
    ensureOpen();
    return positionAt.positionAt(instant);
  }

  long headPosition() {
    ensureOpen();
    return reader.headPosition();
  }

  /** Waits for a commit above {@code position} (this process's appends at once, others' by NOTIFY or the poll). */
  boolean awaitHeadAbove(long position, Duration timeout) throws InterruptedException {
    ensureOpen();
    watcher.start();
    return notifier.awaitAbove(position, timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  long streamVersion(String stream) {
    ensureOpen();
    return reader.streamVersion(stream);
  }

  List<StreamInfo> listStreams(StreamQuery query, int limit) {
    ensureOpen();
    return lister.list(query, limit);
  }

  Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    return subscriptions.start("annals-pg-sub-all", fromPosition,
        (cursor, n) -> reader.readAll(cursor, Direction.FORWARD, n, filter), handler, RecordedEvent::position);
  }

  Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    StreamNames.validate(stream);
    return subscriptions.start("annals-pg-sub-" + stream, fromVersion,
        (cursor, n) -> reader.readStream(stream, cursor, Direction.FORWARD, n), handler, RecordedEvent::version);
  }

  EventReader reader() {
    return reader;
  }

  PositionAt positionAtQuery() {
    return positionAt;
  }

  /** The watcher, for tests and diagnostics. */
  HeadWatcher watcher() {
    return watcher;
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreUnavailableException("the store is closed");
    }
  }

  /** Stops every subscription and the watcher; later reads fail as unavailable. The pool is the caller's to close. */
  @Override
  public void close() {
    closed = true;
    subscriptions.close();
    watcher.close();
  }
}
