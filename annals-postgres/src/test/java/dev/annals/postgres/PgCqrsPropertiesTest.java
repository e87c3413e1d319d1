package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandSnapshotProperties;
import dev.annals.cqrs.TemporalQueryProperties;
import java.time.Clock;
import net.jqwik.api.Group;

/** The CQRS properties (the three temporal queries, command outcomes with snapshots) on PostgreSQL (recordedAt from the options' test clock). */
class PgCqrsPropertiesTest {

  @Group
  class TemporalQueries extends TemporalQueryProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return PgCqrsContractTest.FIXTURE.newStore(clock);
    }
  }

  @Group
  class CommandSnapshots extends CommandSnapshotProperties {
    @Override
    public EventStore newStore(Clock clock) {
      return PgCqrsContractTest.FIXTURE.newStore(clock);
    }
  }
}
