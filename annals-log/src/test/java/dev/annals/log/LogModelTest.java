package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreModelProperties;
import net.jqwik.api.Group;

/** The shared model properties (EventStoreModelProperties) against the log store, once per fsync mode. */
class LogModelTest {

  @Group
  class FsyncAlways extends EventStoreModelProperties {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.ALWAYS.open();
    }
  }

  @Group
  class FsyncInterval5ms extends EventStoreModelProperties {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.INTERVAL_5MS.open();
    }
  }

  @Group
  class FsyncNeverSmallSegments extends EventStoreModelProperties {
    @Override
    protected EventStore createStore() {
      return FsyncVariant.NEVER_SMALL_SEGMENTS.open();
    }
  }
}
