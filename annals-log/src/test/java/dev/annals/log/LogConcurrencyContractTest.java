package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.ConcurrencyContract;
import org.junit.jupiter.api.Nested;

/** The shared contract (ConcurrencyContract) against the log store, once per fsync mode. */
class LogConcurrencyContractTest {

  @Nested
  class FsyncAlways extends ConcurrencyContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.ALWAYS.open();
    }
  }

  @Nested
  class FsyncInterval5ms extends ConcurrencyContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.INTERVAL_5MS.open();
    }
  }

  @Nested
  class FsyncNeverSmallSegments extends ConcurrencyContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.NEVER_SMALL_SEGMENTS.open();
    }
  }
}
