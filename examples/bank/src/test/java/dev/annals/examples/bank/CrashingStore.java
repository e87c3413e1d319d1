package dev.annals.examples.bank;

import dev.annals.core.ForwardingEventStore;
import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A store that "crashes" once, on the {@code nth} append to a stream matching a rule: either before
 * the append (nothing written) or after it (written, but the caller never hears back). Test double
 * for a process dying between steps. Thread-safe.
 */
final class CrashingStore extends ForwardingEventStore {

  enum When { BEFORE_WRITE, AFTER_WRITE }

  private final Predicate<String> rule;
  private final AtomicInteger countdown;
  private final When when;

  CrashingStore(EventStore delegate, Predicate<String> stream, int nth, When when) {
    super(delegate);
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

}
