package dev.annals.core;

import com.fasterxml.jackson.databind.node.BooleanNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The whole {@link EventStore} contract in memory: the test double of choice and the reference the
 * other engines are checked against. Thread-safe: appends are serialised by a write lock, reads share a
 * read lock, subscriptions read pages like any reader.
 */
public final class InMemoryEventStore implements EventStore, StoredEventReader {

  /** Default number of most recent events whose ids are remembered for idempotent {@code any} appends. */
  public static final int DEFAULT_IDEMPOTENCY_WINDOW = 1_000_000;

  private record Entry(RecordedEvent event, int indexInBatch, int batchSize, boolean imported) {

    Idempotency.Written written() {
      return new Idempotency.Written(event.id(), event.stream(), event.version(), event.position(),
          event.recordedAt(), indexInBatch, batchSize);
    }
  }

  private final Clock clock;
  private final AppendValidator validator;
  private final int idempotencyWindow;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ArrayList<Entry> log = new ArrayList<>();
  /** The stream index, in name order (listing walks it from the query's first possible name). */
  private final TreeMap<String, ArrayList<Entry>> streams = new TreeMap<>();
  private final Map<UUID, Entry> recentIds = new HashMap<>();
  private int evicted;
  private final CommitNotifier notifier = new CommitNotifier(0);
  private final UUID storeId = UUID.randomUUID();
  private final LocalRoles roles = new LocalRoles();
  /**
   * Chain hashes of the first {@code chains.size()} events, computed when an exporter first reads them (so
   * appends never pay for hashing); guarded by its own monitor, filled under the read lock.
   */
  private final List<byte[]> chains = new ArrayList<>();
  private final ChainHash chain = new ChainHash();
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public InMemoryEventStore() {
    this(Clock.systemUTC(), Limits.defaults(), DEFAULT_IDEMPOTENCY_WINDOW);
  }

  public InMemoryEventStore(Clock clock, Limits limits, int idempotencyWindow) {
    this.clock = clock;
    this.validator = new AppendValidator(limits);
    this.idempotencyWindow = idempotencyWindow;
  }

  private final Idempotency.Lookup lookup = new Idempotency.Lookup() {
    @Override
    public Optional<Idempotency.Written> byId(UUID id) {
      return Optional.ofNullable(recentIds.get(id)).map(Entry::written);
    }

    @Override
    public Optional<Idempotency.Written> at(String stream, long version) {
      ArrayList<Entry> s = streams.get(stream);
      if (s == null || version < 1 || version > s.size()) {
        return Optional.empty();
      }
      return Optional.of(s.get((int) (version - 1)).written());
    }
  };

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    validator.validate(stream, events);
    List<UUID> ids = events.stream().map(EventData::id).toList();
    lock.writeLock().lock();
    AppendResult result;
    try {
      ensureOpen();
      ArrayList<Entry> s = streams.get(stream);
      long actual = s == null ? 0 : s.size();
      Optional<AppendResult> earlier = Idempotency.check(stream, expected, actual, ids, lookup);
      if (earlier.isPresent()) {
        return earlier.get();
      }
      expected.check(stream, actual);
      Instant now = nextRecordedAt(clock.instant());
      long firstPosition = log.size() + 1L;
      for (int i = 0; i < events.size(); i++) {
        EventData e = events.get(i);
        add(stream, e, e.metadata(), now, i, events.size(), false);
      }
      result = new AppendResult(stream, actual + 1, actual + events.size(), firstPosition, log.size(), now);
      evict();
    } finally {
      lock.writeLock().unlock();
    }
    notifier.advance(result.lastPosition());
    return result;
  }

  private void add(String stream, EventData e, Json metadata, Instant recordedAt, int index, int size,
      boolean imported) {
    ArrayList<Entry> s = streams.computeIfAbsent(stream, k -> new ArrayList<>());
    RecordedEvent r = new RecordedEvent(e.id(), stream, s.size() + 1L, log.size() + 1L, e.type(), e.data(),
        metadata, recordedAt, e.effectiveAt().orElse(recordedAt));
    Entry entry = new Entry(r, index, size, imported);
    s.add(entry);
    log.add(entry);
    recentIds.put(e.id(), entry);
  }

  private void evict() {
    while (log.size() - evicted > idempotencyWindow) {
      recentIds.remove(log.get(evicted).event().id());
      evicted++;
    }
  }

  private Instant nextRecordedAt(Instant now) {
    Instant t = now.truncatedTo(ChronoUnit.MICROS);
    if (!log.isEmpty()) {
      Instant last = log.get(log.size() - 1).event().recordedAt();
      if (t.isBefore(last)) {
        return last;
      }
    }
    return t;
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    validator.validateImport(events, clock.instant());
    lock.writeLock().lock();
    ImportResult result;
    try {
      ensureOpen();
      int known = 0;
      for (ImportEvent ie : events) {
        Entry e = recentIds.get(ie.event().id());
        if (e != null) {
          if (!e.event().stream().equals(ie.stream())) {
            throw new IdempotencyConflictException(ie.stream(), ie.event().id(),
                "was already written to stream '" + e.event().stream() + "'");
          }
          known++;
        }
      }
      if (known == events.size()) {
        long firstPos = recentIds.get(events.get(0).event().id()).event().position();
        long lastPos = recentIds.get(events.get(events.size() - 1).event().id()).event().position();
        return new ImportResult(events.size(), firstPos, lastPos);
      }
      if (known > 0) {
        throw new IdempotencyConflictException(events.get(0).stream(), events.get(0).event().id(),
            "import mixes " + known + " already written events with new ones");
      }
      // after the ids: a retry of an import that was written is answered as such, not refused for its times
      Instant last = log.isEmpty() ? Instant.MIN : log.get(log.size() - 1).event().recordedAt();
      Instant first = events.get(0).recordedAt().truncatedTo(ChronoUnit.MICROS);
      if (first.isBefore(last)) {
        throw new InvalidInputException("recordedAt " + first + " is before the store's last recordedAt " + last);
      }
      long firstPosition = log.size() + 1L;
      for (ImportEvent ie : events) {
        Json metadata = ie.event().metadata().with(Metadata.IMPORTED, BooleanNode.TRUE);
        add(ie.stream(), ie.event(), metadata, ie.recordedAt().truncatedTo(ChronoUnit.MICROS), 0, 1, true);
      }
      result = new ImportResult(events.size(), firstPosition, log.size());
      evict();
    } finally {
      lock.writeLock().unlock();
    }
    notifier.advance(result.lastPosition());
    return result;
  }

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    StreamNames.validate(stream);
    validator.checkLimit(limit);
    lock.readLock().lock();
    try {
      ArrayList<Entry> s = streams.get(stream);
      int size = s == null ? 0 : s.size();
      List<RecordedEvent> out = new ArrayList<>(Math.min(limit, 256));
      if (direction == Direction.FORWARD) {
        long v = Math.max(1, fromVersion);
        while (v <= size && out.size() < limit) {
          out.add(s.get((int) (v - 1)).event());
          v++;
        }
        return new Page(out, v, v > size);
      }
      long v = Math.min(fromVersion, size);
      while (v >= 1 && out.size() < limit) {
        out.add(s.get((int) (v - 1)).event());
        v--;
      }
      return new Page(out, Math.max(v, 0), v < 1);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    validator.checkLimit(limit);
    lock.readLock().lock();
    try {
      int size = log.size();
      List<RecordedEvent> out = new ArrayList<>(Math.min(limit, 256));
      if (direction == Direction.FORWARD) {
        long p = Math.max(1, fromPosition);
        while (p <= size && out.size() < limit) {
          RecordedEvent e = log.get((int) (p - 1)).event();
          if (filter.matches(e)) {
            out.add(e);
          }
          p++;
        }
        return new Page(out, p, p > size);
      }
      long p = Math.min(fromPosition, size);
      while (p >= 1 && out.size() < limit) {
        RecordedEvent e = log.get((int) (p - 1)).event();
        if (filter.matches(e)) {
          out.add(e);
        }
        p--;
      }
      return new Page(out, Math.max(p, 0), p < 1);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long positionAt(Instant instant) {
    lock.readLock().lock();
    try {
      int lo = 0;
      int hi = log.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (log.get(mid).event().recordedAt().isBefore(instant)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo + 1L;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long headPosition() {
    return notifier.head();
  }

  @Override
  public long streamVersion(String stream) {
    lock.readLock().lock();
    try {
      ArrayList<Entry> s = streams.get(stream);
      return s == null ? 0 : s.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** From the stream index, starting at the prefix (or after the query's {@code after}), stopping past the prefix. */
  @Override
  public List<StreamInfo> listStreams(StreamQuery query, int limit) {
    validator.checkLimit(limit);
    String prefix = query.prefix();
    lock.readLock().lock();
    try {
      var names = query.after().filter(a -> a.compareTo(prefix) >= 0)
          .map(a -> streams.tailMap(a, false)).orElseGet(() -> streams.tailMap(prefix, true));
      List<StreamInfo> out = new ArrayList<>(Math.min(limit, 64));
      for (Map.Entry<String, ArrayList<Entry>> s : names.entrySet()) {
        if (out.size() == limit || !s.getKey().startsWith(prefix)) {
          break;
        }
        if (query.matches(s.getKey())) {
          RecordedEvent last = s.getValue().getLast().event();
          out.add(new StreamInfo(s.getKey(), last.version(), last.position(), last.recordedAt()));
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    ensureOpen();
    return register(CatchUpSubscription.start("annals-sub-all", fromPosition,
        (cursor, n) -> readAll(cursor, Direction.FORWARD, n, filter), notifier, handler,
        RecordedEvent::position, 512, this::forgetStopped));
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    StreamNames.validate(stream);
    ensureOpen();
    return register(CatchUpSubscription.start("annals-sub-" + stream, fromVersion,
        (cursor, n) -> readStream(stream, cursor, Direction.FORWARD, n), notifier, handler,
        RecordedEvent::version, 512, this::forgetStopped));
  }

  private Subscription register(Subscription s) {
    subscriptions.add(s);
    if (closed) {
      s.close();
    }
    return s;
  }

  private void forgetStopped() {
    subscriptions.removeIf(Subscription::isStopped);
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreUnavailableException("the store is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    roles.releaseAll();
    notifier.wakeAll();
    for (Subscription s : List.copyOf(subscriptions)) {
      s.close();
    }
    subscriptions.clear();
  }

  // ---- stored events, for exporters (StoredEventReader) ----

  /** A random id, new for each in-memory store. */
  @Override
  public UUID storeId() {
    return storeId;
  }

  @Override
  public List<StoredEvent> readStored(long fromPosition, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    lock.readLock().lock();
    try {
      int from = (int) Math.max(0, Math.min(fromPosition - 1, log.size()));
      int to = (int) Math.min(log.size(), (long) from + limit);
      List<StoredEvent> out = new ArrayList<>(to - from);
      synchronized (chains) {
        while (chains.size() < to) {
          Entry e = log.get(chains.size());
          byte[] previous = chains.isEmpty() ? ChainHash.genesis() : chains.get(chains.size() - 1);
          chains.add(new StoredEvent(e.event(), e.batchSize(), e.indexInBatch(), e.imported(), ChainHash.genesis())
              .computeChain(chain, previous));
        }
        for (int i = from; i < to; i++) {
          Entry e = log.get(i);
          out.add(new StoredEvent(e.event(), e.batchSize(), e.indexInBatch(), e.imported(), chains.get(i)));
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean awaitHeadAbove(long position, java.time.Duration timeout) throws InterruptedException {
    return notifier.awaitAbove(position, timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Within this process: the store lives only here. */
  @Override
  public Optional<ExclusiveRole> tryAcquireRole(String role) {
    return roles.tryAcquire(role);
  }
}
