package dev.annals.log;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream index: for each stream, the global position of each version (version {@code v} is at
 * {@code positions.get(v - 1)}). Derived from the log, kept in memory, persisted in the
 * {@link IndexCheckpoint}. One writer (the log writer thread), many readers.
 */
final class StreamIndex {

  /** One stream's entry. {@link #pendingVersion} is the writer's own view, including unpublished events. */
  static final class Entry {
    final String name;
    final byte[] nameBytes;
    final LongColumn positions;
    long pendingVersion;

    Entry(String name, LongColumn positions) {
      this.name = name;
      this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
      this.positions = positions;
      this.pendingVersion = positions.size();
    }

    /** The published last version. */
    long version() {
      return positions.size();
    }
  }

  private final ConcurrentHashMap<String, Entry> streams = new ConcurrentHashMap<>();

  Optional<Entry> get(String stream) {
    return Optional.ofNullable(streams.get(stream));
  }

  /** Writer only. */
  Entry getOrCreate(String stream) {
    return streams.computeIfAbsent(stream, s -> new Entry(s, new LongColumn(4)));
  }

  /** Loading only (checkpoint). */
  void put(Entry e) {
    streams.put(e.name, e);
  }

  Collection<Entry> entries() {
    return streams.values();
  }

  int size() {
    return streams.size();
  }

  long version(String stream) {
    Entry e = streams.get(stream);
    return e == null ? 0 : e.version();
  }
}
