package dev.annals.server.projections;

import dev.annals.cqrs.projection.ProjectionId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finished as-of builds kept for the next query at the same moment, so that paging through a read
 * model as of a past moment builds it once, not once a page. Only a build whose answer can no longer
 * change is kept (the caller decides: a position at or below the head, or a knownAt before the head's
 * recordedAt), keyed by the projection's version and the moment, so a promotion never serves the old
 * code's build (a promotion drops the old version's builds). The least recently used of more than
 * {@code capacity} builds (one bound for the whole host) is dropped: its scratch
 * target closed and deleted once no query reads it. Thread-safe.
 */
final class AsOfCache {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AsOfCache.class);

  /** A projection version and a moment. */
  record Key(ProjectionId projection, AsOf asOf) {}

  /** One kept build: its scratch target and what the build reported. */
  static final class Entry {
    final Key key;
    final ReadModelTargets.Scratch scratch;
    final long position;
    final long applied;
    private int readers;
    private boolean dropped;

    Entry(Key key, ReadModelTargets.Scratch scratch, long position, long applied) {
      this.key = key;
      this.scratch = scratch;
      this.position = position;
      this.applied = applied;
    }
  }

  private final int capacity;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  AsOfCache(int capacity) {
    this.capacity = capacity;
  }

  /** The build kept for {@code key}, held for reading until {@link #release}; empty when none is. */
  synchronized Optional<Entry> acquire(Key key) {
    Entry e = closed ? null : entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    e.readers++;
    return Optional.of(e);
  }

  /** Ends a read of {@code e}; a dropped build is deleted by its last reader. */
  void release(Entry e) {
    boolean dispose;
    synchronized (this) {
      e.readers--;
      dispose = e.dropped && e.readers == 0;
    }
    if (dispose) {
      dispose(e);
    }
  }

  /**
   * Keeps a finished build, held for reading by the caller until {@link #release}. False when it is not
   * kept (the same moment is kept already, or the cache is closed): the caller reads and deletes it.
   */
  boolean offer(Entry e) {
    List<Entry> dispose = new ArrayList<>();
    synchronized (this) {
      if (closed || entries.containsKey(e.key)) {
        return false;
      }
      e.readers++;
      entries.put(e.key, e);
      Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
      while (entries.size() > capacity) {
        Entry old = eldest.next().getValue();
        eldest.remove();
        old.dropped = true;
        if (old.readers == 0) {
          dispose.add(old);
        }
      }
    }
    dispose.forEach(this::dispose);
    return true;
  }

  /** Drops the kept builds whose key matches (each deleted once no query reads it). */
  void drop(java.util.function.Predicate<Key> which) {
    List<Entry> dispose = new ArrayList<>();
    synchronized (this) {
      Iterator<Entry> it = entries.values().iterator();
      while (it.hasNext()) {
        Entry e = it.next();
        if (which.test(e.key)) {
          it.remove();
          e.dropped = true;
          if (e.readers == 0) {
            dispose.add(e);
          }
        }
      }
    }
    dispose.forEach(this::dispose);
  }

  /** Builds kept now (for tests and status). */
  synchronized int size() {
    return entries.size();
  }

  /** Drops every build (each deleted once no query reads it); later offers are refused. Idempotent. */
  void close() {
    List<Entry> dispose = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Entry e : entries.values()) {
        e.dropped = true;
        if (e.readers == 0) {
          dispose.add(e);
        }
      }
      entries.clear();
    }
    dispose.forEach(this::dispose);
  }

  /** Closes and deletes a dropped build; a failure is logged, never thrown at the query or close() that dropped it. */
  private void dispose(Entry e) {
    try {
      e.scratch.close();
    } catch (RuntimeException failed) {
      LOG.warn("could not delete the as-of build {}: {}", e.key, failed.toString());
    }
  }
}
