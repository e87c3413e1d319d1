package dev.annals.cqrs.projection;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The session of {@link MemoryTarget}: key-value tables of immutable values (e.g. records). Writes go
 * to an overlay that the unit of work's commit publishes with the checkpoint, so a rolled-back batch
 * leaves nothing behind. Reads see the overlay first, then the committed rows.
 *
 * <p>Not thread-safe: one unit of work, one thread. With more than one partition, a row must be
 * written by the events of one stream only (or the writes of two partitions may race); see
 * docs/projections.md.
 */
public final class MemoryTables {

  private static final Object REMOVED = new Object();

  private final Map<String, ConcurrentHashMap<Object, Object>> committed;
  private final HashMap<String, HashMap<Object, Object>> overlay = new HashMap<>();

  MemoryTables(Map<String, ConcurrentHashMap<Object, Object>> committed) {
    this.committed = committed;
  }

  /** The row of {@code key}, if any. */
  public <V> Optional<V> get(String table, Object key) {
    HashMap<Object, Object> o = overlay.get(table);
    Object v = o == null ? null : o.get(key);
    if (v == null) {
      ConcurrentHashMap<Object, Object> c = committed.get(table);
      v = c == null ? null : c.get(key);
    }
    if (v == null || v == REMOVED) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    V value = (V) v;
    return Optional.of(value);
  }

  /** The row of {@code key}, or {@code orElse}. */
  public <V> V getOrDefault(String table, Object key, V orElse) {
    Optional<V> v = get(table, key);
    return v.orElse(orElse);
  }

  public void put(String table, Object key, Object value) {
    overlay.computeIfAbsent(table, t -> new HashMap<>()).put(key, value);
  }

  public void remove(String table, Object key) {
    overlay.computeIfAbsent(table, t -> new HashMap<>()).put(key, REMOVED);
  }

  /** Publishes the overlay (called under the target's write lock). */
  void publish() {
    for (Map.Entry<String, HashMap<Object, Object>> t : overlay.entrySet()) {
      ConcurrentHashMap<Object, Object> c = committed.computeIfAbsent(t.getKey(), k -> new ConcurrentHashMap<>());
      t.getValue().forEach((BiConsumer<Object, Object>) (k, v) -> {
        if (v == REMOVED) {
          c.remove(k);
        } else {
          c.put(k, v);
        }
      });
    }
    overlay.clear();
  }

  void discard() {
    overlay.clear();
  }
}
