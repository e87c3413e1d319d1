package dev.annals.core;

import java.time.Duration;
import java.util.Optional;

/** A running subscription. Closing it stops delivery; the handler is never called after close returns. */
public interface Subscription extends AutoCloseable {

  /** Stops delivery and waits for the handler to return from an event in progress. */
  @Override
  void close();

  /** True when stopped, by {@link #close()} or by a failure. */
  boolean isStopped();

  /** The handler's or the store's failure that stopped this subscription, if any. */
  Optional<Throwable> failure();

  /** The position (or version, for a stream subscription) the next delivered event will be at or after. */
  long cursor();

  /** Waits until the subscription stops; true when it did within the timeout. */
  boolean awaitStop(Duration timeout) throws InterruptedException;
}
