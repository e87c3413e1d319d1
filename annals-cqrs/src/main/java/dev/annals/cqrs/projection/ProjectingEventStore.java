package dev.annals.cqrs.projection;

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
import dev.annals.core.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An {@link EventStore} decorator that runs inline projections in the append path: after a successful
 * append (or import) returns from the store, each {@link InlineProjection} catches up to its last
 * position before this call returns. Everything else is the store's. On creation the projections catch
 * up with the whole log. Thread-safe when the store is.
 */
public final class ProjectingEventStore implements EventStore {

  private final EventStore store;
  private final List<InlineProjection<?>> projections;

  public ProjectingEventStore(EventStore store, List<InlineProjection<?>> projections) {
    this.store = store;
    this.projections = List.copyOf(projections);
    long head = store.headPosition();
    this.projections.forEach(p -> p.catchUp(head));
  }

  /** The inline projections, for status and parked events. */
  public List<InlineProjection<?>> projections() {
    return projections;
  }

  private void project(long upTo) {
    for (InlineProjection<?> p : projections) {
      p.catchUp(upTo);
    }
  }

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    AppendResult r = store.append(stream, expected, events);
    project(r.lastPosition());
    return r;
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    ImportResult r = store.importEvents(events);
    project(r.lastPosition());
    return r;
  }

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    return store.readStream(stream, fromVersion, direction, limit);
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    return store.readAll(fromPosition, direction, limit, filter);
  }

  @Override
  public List<StreamInfo> listStreams(String prefix, Optional<String> category, Optional<String> after, int limit) {
    return store.listStreams(prefix, category, after, limit);
  }

  @Override
  public long positionAt(Instant instant) {
    return store.positionAt(instant);
  }

  @Override
  public long headPosition() {
    return store.headPosition();
  }

  @Override
  public long streamVersion(String stream) {
    return store.streamVersion(stream);
  }

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    return store.subscribeToAll(fromPosition, filter, handler);
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    return store.subscribeToStream(stream, fromVersion, handler);
  }

  @Override
  public void close() {
    projections.forEach(InlineProjection::close);
    store.close();
  }
}
