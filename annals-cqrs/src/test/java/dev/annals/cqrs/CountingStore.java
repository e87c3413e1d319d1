package dev.annals.cqrs;

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
import dev.annals.core.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Delegates to a store, recording the largest page read and how many events were read in all. */
final class CountingStore implements EventStore {

  private final EventStore delegate;
  private final AtomicInteger largestPage;
  final AtomicLong eventsRead = new AtomicLong();
  final AtomicInteger positionAtCalls = new AtomicInteger();

  CountingStore(EventStore delegate, AtomicInteger largestPage) {
    this.delegate = delegate;
    this.largestPage = largestPage;
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
    Page p = delegate.readStream(stream, fromVersion, direction, limit);
    largestPage.accumulateAndGet(p.events().size(), Math::max);
    if (!stream.startsWith("$")) {
      eventsRead.addAndGet(p.events().size());
    }
    return p;
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    Page p = delegate.readAll(fromPosition, direction, limit, filter);
    largestPage.accumulateAndGet(p.events().size(), Math::max);
    eventsRead.addAndGet(p.events().size());
    return p;
  }

  @Override
  public long positionAt(Instant instant) {
    positionAtCalls.incrementAndGet();
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
