package dev.annals.cqrs;

import dev.annals.core.EventStore;
import java.time.Clock;
import net.jqwik.api.Group;

/** The CQRS properties (the three temporal queries, command outcomes with snapshots) on the in-memory store. */
class InMemoryCqrsPropertiesTest {

  @Group
  class TemporalQueries extends TemporalQueryProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return InMemoryCqrsContractTest.FIXTURE.newStore(clock);
    }
  }

  @Group
  class CommandSnapshots extends CommandSnapshotProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return InMemoryCqrsContractTest.FIXTURE.newStore(clock);
    }
  }
}
