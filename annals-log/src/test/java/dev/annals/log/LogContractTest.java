package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreContract;
import org.junit.jupiter.api.Nested;

/** The shared contract (EventStoreContract) against the log store, once per fsync mode. */
class LogContractTest {

  @Nested
  class FsyncAlways extends EventStoreContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.ALWAYS.open();
    }
  }

  @Nested
  class FsyncInterval5ms extends EventStoreContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.INTERVAL_5MS.open();
    }
  }

  @Nested
  class FsyncNeverSmallSegments extends EventStoreContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.NEVER_SMALL_SEGMENTS.open();
    }
  }
}
