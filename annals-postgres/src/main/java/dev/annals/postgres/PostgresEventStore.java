package dev.annals.postgres;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExclusiveRole;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Page;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventReader;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event store on PostgreSQL (docs/postgres.md): every promise of {@link EventStore}, shared by any
 * number of processes on one database. Positions are gap-free and assigned in commit order (every
 * append transaction holds the head row's lock until COMMIT; one writer per process groups concurrent
 * appends into one transaction), {@code recordedAt} comes from the database's clock, idempotency by
 * event id is exact (a unique index), and subscribers in any process are woken by LISTEN/NOTIFY with
 * polling as the fallback.
 *
 * <p>Write side: {@link EventWriter} (validation), {@link Appender} (one writer thread, group commit),
 * {@link GroupTransaction} (one group's SQL), {@link Stager} (the rules, in memory). Opening:
 * {@link Database} (the pool) and {@link SchemaMigration}.
 */
public final class PostgresEventStore implements EventStore, StoredEventReader {

  private final Database db;
  private final ReadSide reads;
  private final EventWriter writer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StoredPages pages;
  private final Set<ExclusiveRole> roles = ConcurrentHashMap.newKeySet();
  private volatile @Nullable UUID storeId;

  /** The options the store was opened with (its URL, schema and timeouts), for what shares its database. */
  PostgresOptions options() {
    return db.options();
  }

  private PostgresEventStore(Database db, ReadSide reads, EventWriter writer) {
    this.db = db;
    this.reads = reads;
    this.writer = writer;
    this.pages = new StoredPages(db.pool(), SchemaTables.of(db.options().schema()));
  }

  /**
   * Opens (creating or migrating its schema when needed) the store at {@code url}:
   * {@code postgresql://USER@HOST:PORT/DB[?schema=NAME]} or {@code jdbc:postgresql://HOST:PORT/DB?user=USER}.
   * The password comes from {@code PGPASSWORD} or the password file ({@code PGPASSFILE}, {@code ~/.pgpass}).
   *
   * @throws dev.annals.core.InvalidInputException the URL is malformed or carries a password
   * @throws dev.annals.core.StoreUnavailableException the database cannot be reached
   * @throws UnsupportedSchemaException the schema was migrated by a newer Annals
   */
  public static PostgresEventStore open(String url) {
    return open(PostgresOptions.of(url));
  }

  /** Opens the store with {@code options} (URL, schema, pool size, clock for tests, ...); see {@link #open(String)}. */
  public static PostgresEventStore open(PostgresOptions options) {
    return open(options, GroupTransaction.Faults.NONE);
  }

  /** With a fault seam around COMMIT (tests). */
  static PostgresEventStore open(PostgresOptions options, GroupTransaction.Faults faults) {
    Database db = Database.open(options);
    try {
      try (Connection c = db.connection()) {
        SchemaMigration.bundled().migrate(c, options.schema());
      } catch (SQLException e) {
        throw db.unavailable("opening the store (creating or checking its schema)", e);
      }
      ReadSide reads = new ReadSide(db.pool(), db::openUnpooled, options.schema(), options.notifyChannel(),
          options.limits());
      return new PostgresEventStore(db, reads, new EventWriter(db, faults, reads::appended));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Where this store's append time went so far (groups, events, lock wait, statements, COMMIT). */
  public AppendStats appendStats() {
    return writer.stats();
  }

  // ---- write side (EventWriter) ----

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    return writer.append(stream, expected, events);
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    return writer.importEvents(events);
  }

  /** Writes the appends already queued, refuses later ones, stops subscriptions and closes the pool. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (ExclusiveRole r : List.copyOf(roles)) {
        r.close();
      }
      reads.close(); // subscriptions and the head watcher first
      writer.close();
    } finally {
      db.close();
    }
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

  // ---- stored events, for exporters (StoredEventReader) ----

  /** {@code annals_schema.store_id}, made with the schema. */
  @Override
  public UUID storeId() {
    UUID id = storeId;
    if (id == null) {
      id = pages.storeId();
      storeId = id;
    }
    return id;
  }

  @Override
  public List<StoredEvent> readStored(long fromPosition, int limit) {
    return pages.read(fromPosition, limit);
  }

  @Override
  public boolean awaitHeadAbove(long position, Duration timeout) throws InterruptedException {
    return reads.awaitHeadAbove(position, timeout);
  }

  /**
   * A session advisory lock on a connection of its own ({@link AdvisoryLockRole}): one holder across every
   * process on the database; lost with that connection.
   */
  @Override
  public Optional<ExclusiveRole> tryAcquireRole(String role) {
    if (closed.get()) {
      throw new StoreUnavailableException("the store is closed");
    }
    UUID id = storeId();
    try {
      Optional<ExclusiveRole> taken = AdvisoryLockRole.tryAcquire(db.openUnpooled(), id, role);
      taken.ifPresent(roles::add);
      return taken;
    } catch (SQLException e) {
      throw db.unavailable("taking the " + role + " role", e);
    }
  }
}
