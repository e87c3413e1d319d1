package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandSnapshotProperties;
import dev.annals.cqrs.TemporalQueryProperties;
import java.time.Clock;
import net.jqwik.api.Group;

/** The CQRS properties (the three temporal queries, command outcomes with snapshots) on the embedded log (fsync always; the log takes recordedAt from LogOptions' clock). */
class LogCqrsPropertiesTest {

  @Group
  class TemporalQueries extends TemporalQueryProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return LogCqrsContractTest.FIXTURE.newStore(clock);
    }
  }

  @Group
  class CommandSnapshots extends CommandSnapshotProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return LogCqrsContractTest.FIXTURE.newStore(clock);
    }
  }
}
