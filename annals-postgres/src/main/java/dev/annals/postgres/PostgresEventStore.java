package dev.annals.postgres;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Page;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.time.Instant;
import java.util.List;

/**
 * The event store on PostgreSQL (docs/postgres.md): every promise of {@link EventStore}, shared by any
 * number of processes on one database. Positions are gap-free and assigned in commit order (every
 * append transaction holds the head row's lock until COMMIT; one writer per process groups concurrent
 * appends into one transaction), {@code recordedAt} comes from the database's clock, idempotency by
 * event id is exact (a unique index), and subscribers in any process are woken by LISTEN/NOTIFY with
 * polling as the fallback.
 *
 * <p>SKELETON: the write side (open, append, import, close) and the read side (reads, positionAt,
 * listing, subscriptions) are being filled in by two people at once; each half lives in its own class.
 */
public final class PostgresEventStore implements EventStore {

  private final ReadSide reads;

  private PostgresEventStore(ReadSide reads) {
    this.reads = reads;
  }

  /** Opens (creating or migrating its schema when needed) the store at {@code url}: {@code postgresql://USER@HOST:PORT/DB} or {@code jdbc:postgresql://...}. */
  public static PostgresEventStore open(String url) {
    throw new UnsupportedOperationException("write side: open");
  }

  /** Opens the store with {@code options} (URL, schema, pool size, clock for tests, ...). */
  public static PostgresEventStore open(PostgresOptions options) {
    throw new UnsupportedOperationException("write side: open");
  }

  // ---- write side (Appender) ----

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    throw new UnsupportedOperationException("write side");
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    throw new UnsupportedOperationException("write side");
  }

  @Override
  public void close() {
    reads.close(); // subscriptions and the head watcher first, then (write side) the pool
  }

  // ---- read side (EventReader, HeadWatcher) ----

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    return reads.readStream(stream, fromVersion, direction, limit);
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    return reads.readAll(fromPosition, direction, limit, filter);
  }

  @Override
  public long positionAt(Instant instant) {
    return reads.positionAt(instant);
  }

  @Override
  public long headPosition() {
    return reads.headPosition();
  }

  @Override
  public long streamVersion(String stream) {
    return reads.streamVersion(stream);
  }

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    return reads.subscribeToAll(fromPosition, filter, handler);
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    return reads.subscribeToStream(stream, fromVersion, handler);
  }

  @Override
  public List<StreamInfo> listStreams(StreamQuery query, int limit) {
    return reads.listStreams(query, limit);
  }
}
