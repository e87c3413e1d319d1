package dev.annals.cqrs.projection;

import dev.annals.core.ForwardingEventStore;
import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import java.util.List;

/**
 * An {@link EventStore} decorator that runs inline projections in the append path: after a successful
 * append (or import) returns from the store, each {@link InlineProjection} catches up to its last
 * position before this call returns. Everything else is the store's. On creation the projections catch
 * up with the whole log. Thread-safe when the store is.
 */
public final class ProjectingEventStore extends ForwardingEventStore {

  private final List<InlineProjection<?>> projections;

  public ProjectingEventStore(EventStore store, List<InlineProjection<?>> projections) {
    super(store);
    this.projections = List.copyOf(projections);
    long head = delegate.headPosition();
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
    AppendResult r = delegate.append(stream, expected, events);
    project(r.lastPosition());
    return r;
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    ImportResult r = delegate.importEvents(events);
    project(r.lastPosition());
    return r;
  }

  @Override
  public void close() {
    projections.forEach(InlineProjection::close);
    delegate.close();
  }
}
