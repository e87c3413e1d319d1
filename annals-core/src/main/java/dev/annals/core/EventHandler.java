package dev.annals.core;

/**
 * Receives a subscription's events, one at a time, in order, on the subscription's own thread. An
 * exception stops the subscription (see {@link Subscription#failure()}).
 */
@FunctionalInterface
public interface EventHandler {

  void onEvent(RecordedEvent event) throws Exception;

  /** Called each time the subscription has delivered everything in the log and waits for new events. */
  default void onCaughtUp(long next) {}
}
