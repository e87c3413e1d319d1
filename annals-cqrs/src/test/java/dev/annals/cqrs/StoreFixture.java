package dev.annals.cqrs;

import dev.annals.core.EventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import java.time.Clock;

/**
 * Where the write-side and time-travel tests get their store. They use only the {@link EventStore}
 * interface; to run them on another engine, extend a test class and override {@link #newStore} (the
 * engine must take its {@code recordedAt} from the given clock: the tests move time by hand).
 */
public abstract class StoreFixture {

  /** A fresh, empty store whose commits are timed by {@code clock}. Called once per test (per try for properties). */
  protected EventStore newStore(Clock clock) {
    return new InMemoryEventStore(clock, Limits.defaults(), 1_000_000);
  }
}
