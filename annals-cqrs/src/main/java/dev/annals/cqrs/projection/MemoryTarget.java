package dev.annals.cqrs.projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Read models in memory ({@link MemoryTables}), with checkpoints and parked events beside them. A unit
 * of work publishes its writes and its checkpoint under one lock, so readers using
 * {@link View#read} never see a half-applied batch. Nothing survives the process: a restarted
 * runner rebuilds from position 1. Thread-safe.
 */
public final class MemoryTarget implements ProjectionTarget<MemoryTables> {

  private static final class Slot {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final ConcurrentHashMap<String, ConcurrentHashMap<Object, Object>> tables = new ConcurrentHashMap<>();
    final TreeMap<Long, ParkedEvent> parked = new TreeMap<>();
    long position;
    final long[] partitions;
    /** External sources' progress, by source name; guarded by {@link #lock}. */
    final HashMap<String, SourceOffset[]> sources = new HashMap<>();

    Slot(int partitions) {
      this.partitions = new long[partitions];
    }
  }

  private final ConcurrentHashMap<ProjectionId, Slot> slots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> live = new ConcurrentHashMap<>();

  @Override
  public Checkpoint open(Projection<MemoryTables> projection, int partitions) {
    Slot slot = slots.computeIfAbsent(projection.id(), id -> new Slot(partitions));
    try (UnitOfWork<MemoryTables> uow = begin(projection.id(), 0)) {
      projection.setup().create(uow.session());
      uow.commitWithoutCheckpoint();
    } catch (Exception e) {
      throw new IllegalStateException("setup of " + projection.id() + " failed: " + e, e);
    }
    live.putIfAbsent(projection.name(), projection.version());
    slot.lock.readLock().lock();
    try {
      return new Checkpoint(slot.position, slot.partitions);
    } finally {
      slot.lock.readLock().unlock();
    }
  }

  private Slot slot(ProjectionId id) {
    Slot s = slots.get(id);
    if (s == null) {
      throw new IllegalStateException(id + " is not open in this target");
    }
    return s;
  }

  @Override
  public UnitOfWork<MemoryTables> begin(ProjectionId id, int partition) {
    Slot slot = slot(id);
    MemoryTables tables = new MemoryTables(slot.tables);
    List<ParkedEvent> toPark = new ArrayList<>();
    List<Long> toUnpark = new ArrayList<>();
    return new UnitOfWork<>() {
      @Override
      public MemoryTables session() {
        return tables;
      }

      @Override
      public void park(ParkedEvent event) {
        toPark.add(event);
      }

      @Override
      public void unpark(long position) {
        toUnpark.add(position);
      }

      @Override
      public void commit(long partitionPosition, long safePosition) {
        publish(partitionPosition, safePosition, true);
      }

      @Override
      public void commitWithoutCheckpoint() {
        publish(0, 0, false);
      }

      @Override
      public void commitSource(String source, long expectedOffset, SourceOffset next) {
        slot.lock.writeLock().lock();
        try {
          SourceOffset[] offsets = slot.sources.get(source);
          if (offsets == null || next.partition() >= offsets.length) {
            throw new IllegalStateException(id + " has no stored partition " + next.partition() + " of " + source);
          }
          long stored = offsets[next.partition()].nextOffset();
          if (stored != expectedOffset) {
            throw new SourceFencedException(id, source, next.partition(), expectedOffset, stored);
          }
          publish(0, 0, false); // reentrant: the same write lock
          offsets[next.partition()] = next;
        } finally {
          slot.lock.writeLock().unlock();
        }
      }

      private void publish(long partitionPosition, long safePosition, boolean checkpoint) {
        slot.lock.writeLock().lock();
        try {
          for (long position : toUnpark) {
            if (!slot.parked.containsKey(position)) { // another replay took it since: publish nothing
              throw new NotParkedException(id, position);
            }
          }
          tables.publish();
          toPark.forEach(p -> slot.parked.put(p.position(), p));
          toUnpark.forEach(slot.parked::remove);
          if (checkpoint) {
            slot.partitions[partition] = Math.max(slot.partitions[partition], partitionPosition);
            slot.position = Math.max(slot.position, safePosition);
          }
        } finally {
          slot.lock.writeLock().unlock();
        }
      }

      @Override
      public void close() {
        tables.discard();
      }
    };
  }

  @Override
  public Optional<Checkpoint> checkpoint(ProjectionId id) {
    Slot s = slots.get(id);
    if (s == null) {
      return Optional.empty();
    }
    s.lock.readLock().lock();
    try {
      return Optional.of(new Checkpoint(s.position, s.partitions));
    } finally {
      s.lock.readLock().unlock();
    }
  }

  @Override
  public List<SourceOffset> openSource(ProjectionId id, String source, int partitions) {
    Slot s = slot(id);
    s.lock.writeLock().lock();
    try {
      SourceOffset[] offsets = s.sources.computeIfAbsent(source, k -> {
        SourceOffset[] fresh = new SourceOffset[partitions];
        for (int p = 0; p < partitions; p++) {
          fresh[p] = new SourceOffset(p, SourceOffset.NONE, 0);
        }
        return fresh;
      });
      return List.of(offsets);
    } finally {
      s.lock.writeLock().unlock();
    }
  }

  @Override
  public List<SourceOffset> sourceOffsets(ProjectionId id, String source) {
    Slot s = slots.get(id);
    if (s == null) {
      return List.of();
    }
    s.lock.readLock().lock();
    try {
      SourceOffset[] offsets = s.sources.get(source);
      return offsets == null ? List.of() : List.of(offsets);
    } finally {
      s.lock.readLock().unlock();
    }
  }

  @Override
  public Optional<Integer> liveVersion(String name) {
    return Optional.ofNullable(live.get(name));
  }

  @Override
  public void promote(Projection<MemoryTables> projection) {
    slot(projection.id());
    live.put(projection.name(), projection.version());
  }

  @Override
  public void drop(Projection<MemoryTables> projection) {
    if (Objects.equals(live.get(projection.name()), projection.version())) {
      throw new IllegalStateException(projection.id() + " is live; promote another version first");
    }
    slots.remove(projection.id());
  }

  @Override
  public List<ParkedEvent> parked(ProjectionId id) {
    Slot s = slot(id);
    s.lock.readLock().lock();
    try {
      return List.copyOf(s.parked.values());
    } finally {
      s.lock.readLock().unlock();
    }
  }

  @Override
  public Comparison compare(Projection<MemoryTables> liveP, Projection<MemoryTables> shadowP, int sampleSize) {
    View a = view(liveP.id()).orElseThrow();
    View b = view(shadowP.id()).orElseThrow();
    List<String> names = new ArrayList<>(liveP.tables());
    shadowP.tables().stream().filter(t -> !names.contains(t)).forEach(names::add);
    List<Comparison.TableComparison> out = new ArrayList<>();
    for (String t : names) {
      Map<Object, Object> ra = a.rows(t);
      Map<Object, Object> rb = b.rows(t);
      out.add(new Comparison.TableComparison(t, ra.size(), rb.size(), onlyIn(ra, rb, sampleSize),
          onlyIn(rb, ra, sampleSize)));
    }
    return new Comparison(liveP.id(), shadowP.id(), a.position(), b.position(), out);
  }

  private static List<String> onlyIn(Map<Object, Object> x, Map<Object, Object> y, int limit) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Object, Object> e : x.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      if (!Objects.equals(y.get(e.getKey()), e.getValue())) {
        out.add(e.getKey() + "=" + e.getValue());
      }
    }
    return out;
  }

  @Override
  public String guarantee() {
    return "exactly-once within the process (writes and checkpoint published together); rebuilt after a restart";
  }

  /** What queries read: the live version of {@code name}. */
  public Optional<View> live(String name) {
    Integer v = live.get(name);
    return v == null ? Optional.empty() : view(new ProjectionId(name, v));
  }

  /** A given version, e.g. a shadow or an as-of build. */
  public Optional<View> view(ProjectionId id) {
    Slot s = slots.get(id);
    return s == null ? Optional.empty() : Optional.of(new View(id, s));
  }

  @Override
  public void close() {
    // Nothing to release.
  }

  /** Read access to one version's tables. Thread-safe. */
  public static final class View {
    private final ProjectionId id;
    private final Slot slot;

    private View(ProjectionId id, Slot slot) {
      this.id = id;
      this.slot = slot;
    }

    public ProjectionId id() {
      return id;
    }

    /** One row, as last committed. */
    public <V> Optional<V> get(String table, Object key) {
      ConcurrentHashMap<Object, Object> t = slot.tables.get(table);
      @SuppressWarnings("unchecked")
      V v = t == null ? null : (V) t.get(key);
      return Optional.ofNullable(v);
    }

    /** A copy of a table, consistent with the checkpoint. */
    public Map<Object, Object> rows(String table) {
      return read(v -> {
        ConcurrentHashMap<Object, Object> t = slot.tables.get(table);
        return t == null ? Map.of() : new HashMap<>(t);
      });
    }

    /** The gap-safe checkpoint of this version. */
    public long position() {
      return read(v -> slot.position);
    }

    /** The last position committed by a partition. */
    public long partitionPosition(int partition) {
      return read(v -> slot.partitions[partition]);
    }

    /** Runs {@code query} with no batch committing meanwhile (a consistent read). */
    public <T> T read(Function<View, T> query) {
      slot.lock.readLock().lock();
      try {
        return query.apply(this);
      } finally {
        slot.lock.readLock().unlock();
      }
    }
  }
}
