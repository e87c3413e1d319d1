package dev.annals.cqrs;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import dev.annals.core.EventStore;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/** The CQRS suites (command handling, snapshots, the time-travel example, upcasting) on the in-memory store. */
class InMemoryCqrsContractTest {

  static final StoreFixture FIXTURE = clock -> new InMemoryEventStore(clock, Limits.defaults(), 1_000_000);

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
