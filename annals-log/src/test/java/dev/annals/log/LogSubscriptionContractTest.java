package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.SubscriptionContract;
import org.junit.jupiter.api.Nested;

/** The shared contract (SubscriptionContract) against the log store, once per fsync mode. */
class LogSubscriptionContractTest {

  @Nested
  class FsyncAlways extends SubscriptionContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.ALWAYS.open();
    }
  }

  @Nested
  class FsyncInterval5ms extends SubscriptionContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.INTERVAL_5MS.open();
    }
  }

  @Nested
  class FsyncNeverSmallSegments extends SubscriptionContract {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.NEVER_SMALL_SEGMENTS.open();
    }
  }
}
