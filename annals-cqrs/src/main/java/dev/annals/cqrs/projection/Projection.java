package dev.annals.cqrs.projection;

import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A projection: a name, a version, the logical tables of its read model and the appliers of the event
 * types it handles. A new version (changed appliers or schema) is built beside the current one by a
 * {@link Rebuild}. Immutable and thread-safe when its appliers are.
 *
 * <p>{@code S} is the target's session type: {@link JdbcSession} for {@link JdbcTarget},
 * {@link MemoryTables} for {@link MemoryTarget}. Typed appliers take a decode function, e.g. an event
 * codec's {@code decode}: {@code .onAny(codec::decode, (db, event, envelope) -> switch (event) {...})}.
 */
public final class Projection<S> {

  private final ProjectionId id;
  private final List<String> tables;
  private final Map<String, EventApplier<S>> byType;
  private final Optional<EventApplier<S>> fallback;
  private final Optional<BatchApplier<S>> batch;
  private final Filter filter;
  private final SchemaSetup<S> setup;

  private Projection(Builder<S> b) {
    this.id = new ProjectionId(b.name, b.version);
    this.tables = List.copyOf(b.tables);
    this.byType = Map.copyOf(b.byType);
    this.fallback = b.fallback;
    this.batch = b.batch;
    this.setup = b.setup;
    this.filter = b.filter.orElseGet(() -> fallback.isPresent() || batch.isPresent()
        ? Filter.all()
        : Filter.all().withTypes(byType.keySet()));
  }

  /** Starts a projection named {@code name} (see {@link ProjectionId} for allowed names) at {@code version}. */
  public static <S> Builder<S> named(String name, int version) {
    return new Builder<>(name, version);
  }

  public ProjectionId id() {
    return id;
  }

  public String name() {
    return id.name();
  }

  public int version() {
    return id.version();
  }

  /** Logical table names; a target stores each version in its own physical tables. */
  public List<String> tables() {
    return tables;
  }

  /** The events this projection reads: the handled types, or every user event with a catch-all. */
  public Filter filter() {
    return filter;
  }

  SchemaSetup<S> setup() {
    return setup;
  }

  /** True when the projection applies whole units of work ({@link Builder#onBatch}). */
  boolean batched() {
    return batch.isPresent();
  }

  /**
   * Applies the events of one unit of work: all at once for a batched projection, otherwise one by one.
   */
  public void applyAll(S session, List<RecordedEvent> events) throws Exception {
    if (batch.isPresent()) {
      batch.get().apply(session, events);
    } else {
      for (RecordedEvent e : events) {
        apply(session, e);
      }
    }
  }

  /** Applies {@code event}; events without an applier are ignored (they count as processed). */
  public void apply(S session, RecordedEvent event) throws Exception {
    if (batch.isPresent()) {
      batch.get().apply(session, List.of(event));
      return;
    }
    EventApplier<S> a = byType.get(event.type());
    if (a != null) {
      a.apply(session, event);
    } else if (fallback.isPresent()) {
      fallback.get().apply(session, event);
    }
  }

  /** Builds a {@link Projection}. Not thread-safe. */
  public static final class Builder<S> {
    private final String name;
    private final int version;
    private final List<String> tables = new ArrayList<>();
    private final Map<String, EventApplier<S>> byType = new LinkedHashMap<>();
    private Optional<EventApplier<S>> fallback = Optional.empty();
    private Optional<BatchApplier<S>> batch = Optional.empty();
    private Optional<Filter> filter = Optional.empty();
    private SchemaSetup<S> setup = s -> {};

    private Builder(String name, int version) {
      this.name = name;
      this.version = version;
    }

    /** Declares the logical tables of the read model (used for views, comparison, dropping). */
    public Builder<S> tables(String... names) {
      for (String t : names) {
        tables.add(ProjectionId.checkName(t, "table name"));
      }
      return this;
    }

    /** Creates the storage of a version; must be idempotent ({@code CREATE TABLE IF NOT EXISTS}). */
    public Builder<S> setup(SchemaSetup<S> schema) {
      this.setup = schema;
      return this;
    }

    /** Applies events of {@code type} as recorded. */
    public Builder<S> on(String type, EventApplier<S> applier) {
      if (byType.putIfAbsent(type, applier) != null) {
        throw new IllegalArgumentException("type " + type + " already has an applier");
      }
      return this;
    }

    /** Applies events of {@code type} decoded by {@code decode}; a decode failure is a handler failure. */
    public <E> Builder<S> on(String type, Function<RecordedEvent, ? extends E> decode, TypedApplier<S, E> applier) {
      return on(type, (s, e) -> applier.apply(s, decode.apply(e), e));
    }

    /** Applies every other event of the filter (default: every user event) decoded by {@code decode}. */
    public <E> Builder<S> onAny(Function<RecordedEvent, ? extends E> decode, TypedApplier<S, E> applier) {
      this.fallback = Optional.of((s, e) -> applier.apply(s, decode.apply(e), e));
      return this;
    }

    /** Applies every other event of the filter as recorded. */
    public Builder<S> onAny(EventApplier<S> applier) {
      this.fallback = Optional.of(applier);
      return this;
    }

    /**
     * Applies each unit of work's events in one call (see {@link BatchApplier}): for projections that
     * fold many events into few writes. Instead of {@code on}/{@code onAny}; the events are those of
     * the filter (default: every user event).
     */
    public Builder<S> onBatch(BatchApplier<S> applier) {
      this.batch = Optional.of(applier);
      return this;
    }

    /** Overrides the subscription filter (default: the handled types, or all user events with a catch-all). */
    public Builder<S> filter(Filter f) {
      this.filter = Optional.of(f);
      return this;
    }

    public Projection<S> build() {
      if (byType.isEmpty() && fallback.isEmpty() && batch.isEmpty()) {
        throw new IllegalArgumentException("projection " + name + " handles no events");
      }
      if (batch.isPresent() && (!byType.isEmpty() || fallback.isPresent())) {
        throw new IllegalArgumentException("projection " + name + " has a batch applier and per-event appliers;"
            + " use one or the other");
      }
      return new Projection<>(this);
    }
  }
}
