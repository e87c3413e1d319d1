package dev.annals.client;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandSnapshotProperties;
import dev.annals.cqrs.TemporalQueryProperties;
import java.time.Clock;
import net.jqwik.api.Group;

/** The CQRS properties (the three temporal queries, command outcomes with snapshots) through the HTTP client against a live server (over an in-memory store that takes recordedAt from the clock). */
class HttpCqrsPropertiesTest {

  @Group
  class TemporalQueries extends TemporalQueryProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return HttpCqrsContractTest.FIXTURE.newStore(clock);
    }
  }

  @Group
  class CommandSnapshots extends CommandSnapshotProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return HttpCqrsContractTest.FIXTURE.newStore(clock);
    }
  }
}
