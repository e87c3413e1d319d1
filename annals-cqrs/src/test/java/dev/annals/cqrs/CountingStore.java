package dev.annals.cqrs;

import dev.annals.core.ForwardingEventStore;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Delegates to a store, recording the largest page read and how many events were read in all. */
final class CountingStore extends ForwardingEventStore {

  private final AtomicInteger largestPage;
  final AtomicLong eventsRead = new AtomicLong();
  final AtomicInteger positionAtCalls = new AtomicInteger();

  CountingStore(EventStore delegate, AtomicInteger largestPage) {
    super(delegate);
    this.largestPage = largestPage;
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

}
