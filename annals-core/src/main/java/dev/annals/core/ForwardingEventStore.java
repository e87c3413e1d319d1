package dev.annals.core;

import java.time.Instant;
import java.util.List;

/**
 * An {@link EventStore} that forwards every call to another: the base for decorators (projections in
 * the append path, metrics, fault injection in tests), which override only what they change. The
 * interface's conveniences (reads from the end, live subscriptions) are not forwarded: they run through
 * the methods here, so a decorator that changes reads or subscriptions changes them too. Thread-safe
 * when the delegate is.
 */
public abstract class ForwardingEventStore implements EventStore {

  protected final EventStore delegate;

  protected ForwardingEventStore(EventStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    return delegate.append(stream, expected, events);
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    return delegate.importEvents(events);
  }

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    return delegate.readStream(stream, fromVersion, direction, limit);
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    return delegate.readAll(fromPosition, direction, limit, filter);
  }

  @Override
  public long positionAt(Instant instant) {
    return delegate.positionAt(instant);
  }

  @Override
  public long headPosition() {
    return delegate.headPosition();
  }

  @Override
  public long streamVersion(String stream) {
    return delegate.streamVersion(stream);
  }

  @Override
  public List<StreamInfo> listStreams(StreamQuery query, int limit) {
    return delegate.listStreams(query, limit);
  }

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    return delegate.subscribeToAll(fromPosition, filter, handler);
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    return delegate.subscribeToStream(stream, fromVersion, handler);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
