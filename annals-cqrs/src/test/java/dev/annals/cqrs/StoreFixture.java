package dev.annals.cqrs;

import dev.annals.core.EventStore;
import java.time.Clock;

/**
 * Where the CQRS suites get their store: the one thing an engine supplies to run them. The suites
 * ({@link CommandHandlerContract}, {@link SnapshotContract}, {@link TimeTravelExampleContract},
 * {@link UpcastingContract}, {@link TemporalQueryProperties}, {@link CommandSnapshotProperties}) are
 * abstract and ship in this module's test-jar; an engine's test module runs them all with one fixture
 * (see {@code InMemoryCqrsContractTest} and {@code InMemoryCqrsPropertiesTest} for the shape). The suites
 * use only the {@link EventStore} interface and move time by hand, so the engine must take its
 * {@code recordedAt} from the given clock.
 */
@FunctionalInterface
public interface StoreFixture {

  /**
   * A fresh, empty store whose commits are timed by {@code clock}; closing it releases everything the
   * fixture started for it. Called once per test (per try for properties).
   */
  EventStore newStore(Clock clock);
}
