package dev.annals.examples.bank;

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
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A store that "crashes" once, on the {@code nth} append to a stream matching a rule: either before
 * the append (nothing written) or after it (written, but the caller never hears back). Test double
 * for a process dying between steps. Thread-safe.
 */
final class CrashingStore implements EventStore {

  enum When { BEFORE_WRITE, AFTER_WRITE }

  private final EventStore delegate;
  private final Predicate<String> rule;
  private final AtomicInteger countdown;
  private final When when;

  CrashingStore(EventStore delegate, Predicate<String> stream, int nth, When when) {
    this.delegate = delegate;
    this.rule = stream;
    this.countdown = new AtomicInteger(nth);
    this.when = when;
  }

  boolean crashed() {
    return countdown.get() <= 0;
  }

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    if (rule.test(stream) && countdown.get() > 0 && countdown.decrementAndGet() == 0) {
      if (when == When.AFTER_WRITE) {
        delegate.append(stream, expected, events);
      }
      throw new StoreUnavailableException("simulated crash " + when + " an append to " + stream);
    }
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
