package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandHandlerContract;
import dev.annals.cqrs.SnapshotContract;
import dev.annals.cqrs.StoreFixture;
import dev.annals.cqrs.TimeTravelExampleContract;
import dev.annals.cqrs.UpcastingContract;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/** The CQRS suites (command handling, snapshots, the time-travel example, upcasting) on PostgreSQL (recordedAt from the options' test clock). */
class PgCqrsContractTest {

  static final StoreFixture FIXTURE = PgStores::open;

  @Nested
  class CommandHandling extends CommandHandlerContract {
    @Override
    public EventStore newStore(Clock clock) {
      return FIXTURE.newStore(clock);
    }
  }

  @Nested
  class Snapshots extends SnapshotContract {
    @Override
    public EventStore newStore(Clock clock) {
      return FIXTURE.newStore(clock);
    }
  }

  @Nested
  class TimeTravelExample extends TimeTravelExampleContract {
    @Override
    public EventStore newStore(Clock clock) {
      return FIXTURE.newStore(clock);
    }
  }

  @Nested
  class Upcasting extends UpcastingContract {
    @Override
    public EventStore newStore(Clock clock) {
      return FIXTURE.newStore(clock);
    }
  }
}
