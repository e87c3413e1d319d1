package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandHandlerContract;
import dev.annals.cqrs.SnapshotContract;
import dev.annals.cqrs.StoreFixture;
import dev.annals.cqrs.TimeTravelExampleContract;
import dev.annals.cqrs.UpcastingContract;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/** The CQRS suites (command handling, snapshots, the time-travel example, upcasting) on the embedded log (fsync always; the log takes recordedAt from LogOptions' clock). */
class LogCqrsContractTest {

  static final StoreFixture FIXTURE = clock -> TestStores.open(LogOptions.defaults().withClock(clock));

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
