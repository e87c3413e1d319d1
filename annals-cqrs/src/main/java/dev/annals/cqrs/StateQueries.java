package dev.annals.cqrs;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.TimeViews;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.snapshot.Snapshot;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The three questions of docs/time.md on one stream, each with exactly the definitions in docs/time.md:
 *
 * <ul>
 *   <li>{@link #stateAt}{@code (n)}: the fold of versions 1..n.
 *   <li>{@link #stateKnownAt}{@code (T)}: what the system said at T — the fold, in version order, of
 *       the events with {@code recordedAt <= T}. Revokes play no part: this is the audit view, and
 *       later writes never change it.
 *   <li>{@link #stateValidAt}{@code (V, T)}: what was true at V as known at T — the fold, in
 *       ({@code effectiveAt}, version) order, of the events with {@code effectiveAt <= V} and
 *       {@code recordedAt <= T}, leaving out every event whose id is in the {@code revokes} metadata
 *       of an event of the stream with {@code recordedAt <= T} (whatever that event's own
 *       effectiveAt, and even if it is itself revoked: a revocation is not undone by revoking it).
 * </ul>
 *
 * <p>{@code stateAt} starts from the nearest usable snapshot at or below n. {@code stateKnownAt} uses
 * the store's time index ({@link EventStore#positionAt}) to bound the fold and starts from the nearest
 * usable snapshot whose last folded event was recorded at or before T; neither replays the stream
 * from the start when snapshots exist. {@code stateValidAt} has to look at every event known at T
 * (effective times are in any order), reading them in pages and keeping only those effective by V.
 *
 * <p>Every event is decoded through the codec, so upcasters apply. Thread-safe.
 */
public final class StateQueries<S, E> {

  private static final int DEFAULT_PAGE_SIZE = 512;

  private final EventStore store;
  private final StreamFolder<S, E> folder;
  private final Optional<SnapshotStore<S>> snapshots;
  private final int pageSize;

  /** Queries that fold from the stream's start (no snapshots), reading 512 events a page. */
  public StateQueries(EventStore store, EventCodec<E> codec, StateFold<S, E> fold) {
    this(store, codec, fold, Optional.empty(), DEFAULT_PAGE_SIZE);
  }

  /** Queries that fold from the stream's start (no snapshots), reading {@code pageSize} events a page. */
  public StateQueries(EventStore store, EventCodec<E> codec, StateFold<S, E> fold, int pageSize) {
    this(store, codec, fold, Optional.empty(), pageSize);
  }

  /** Queries that start from the nearest usable snapshot in {@code snapshots}, reading 512 events a page. */
  public StateQueries(EventStore store, EventCodec<E> codec, StateFold<S, E> fold, SnapshotStore<S> snapshots) {
    this(store, codec, fold, Optional.of(snapshots), DEFAULT_PAGE_SIZE);
  }

  /** Queries that start from the nearest usable snapshot in {@code snapshots}, {@code pageSize} events a page. */
  public StateQueries(EventStore store, EventCodec<E> codec, StateFold<S, E> fold, SnapshotStore<S> snapshots,
      int pageSize) {
    this(store, codec, fold, Optional.of(snapshots), pageSize);
  }

  private StateQueries(EventStore store, EventCodec<E> codec, StateFold<S, E> fold,
      Optional<SnapshotStore<S>> snapshots, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1");
    }
    this.store = store;
    this.folder = new StreamFolder<>(store, codec, fold, pageSize);
    this.snapshots = snapshots;
    this.pageSize = pageSize;
  }

  /** The fold of versions 1..{@code version} (all of them when the stream is shorter). */
  public S stateAt(String stream, long version) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    Optional<Snapshot<S>> snapshot = snapshots.flatMap(s -> s.atOrBefore(stream, version));
    return foldFrom(stream, snapshot, version, Long.MAX_VALUE);
  }

  /** What the system said at {@code t}: the fold, in version order, of the events recorded at or before {@code t}. */
  public S stateKnownAt(String stream, Instant t) {
    long limit = positionLimit(t);
    Optional<Snapshot<S>> snapshot = snapshots.flatMap(s -> s.knownAt(stream, t));
    return foldFrom(stream, snapshot, Long.MAX_VALUE, limit);
  }

  /**
   * The last version of {@code stream} recorded at or before {@code t} (0 when none): the events behind
   * {@link #stateKnownAt} are versions 1..this. Binary search over the stream, O(log n) single-event reads.
   */
  public long versionKnownAt(String stream, Instant t) {
    long limit = positionLimit(t);
    long lo = 0;
    long hi = store.streamVersion(stream);
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      Page p = store.readStream(stream, mid, Direction.FORWARD, 1);
      if (!p.isEmpty() && p.events().get(0).position() < limit) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** What was true at {@code validAt} as known now: {@link #stateValidAt(String, Instant, Instant)} with every event recorded so far. */
  public S stateValidAt(String stream, Instant validAt) {
    return fold(eventsValidAt(stream, validAt, Long.MAX_VALUE));
  }

  /** What was true at {@code validAt} as known at {@code knownAt} (docs/time.md). */
  public S stateValidAt(String stream, Instant validAt, Instant knownAt) {
    return fold(eventsValidAt(stream, validAt, positionLimit(knownAt)));
  }

  /**
   * The events behind {@link #stateValidAt(String, Instant, Instant)}, in the order they are folded:
   * ({@code effectiveAt}, version).
   */
  public List<RecordedEvent> eventsValidAt(String stream, Instant validAt, Instant knownAt) {
    return eventsValidAt(stream, validAt, positionLimit(knownAt));
  }

  private List<RecordedEvent> eventsValidAt(String stream, Instant validAt, long positionLimit) {
    TimeViews.ValidAt view = new TimeViews.ValidAt(validAt);
    long from = 1;
    scan:
    while (true) {
      Page page = store.readStream(stream, from, Direction.FORWARD, pageSize);
      for (RecordedEvent e : page.events()) {
        if (e.position() >= positionLimit) {
          break scan;
        }
        view.add(e);
      }
      if (page.end() || page.isEmpty()) {
        break;
      }
      from = page.next();
    }
    return view.events();
  }

  private S fold(List<RecordedEvent> events) {
    StateFold<S, E> fold = folder.fold();
    S state = fold.initialState();
    for (RecordedEvent e : events) {
      state = fold.apply(state, folder.codec().decode(e));
    }
    return state;
  }

  private S foldFrom(String stream, Optional<Snapshot<S>> snapshot, long maxVersion, long positionLimit) {
    S start = snapshot.map(Snapshot::state).orElse(folder.fold().initialState());
    long after = snapshot.map(Snapshot::version).orElse(0L);
    return folder.forward(stream, start, after, Optional.empty(), maxVersion, positionLimit, Optional.empty()).state();
  }

  /** The first position recorded after {@code t}: events below it have {@code recordedAt <= t}. */
  private long positionLimit(Instant t) {
    if (!t.isBefore(Instant.MAX)) {
      return Long.MAX_VALUE;
    }
    return store.positionAt(t.plusNanos(1));
  }
}
