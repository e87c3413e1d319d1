package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreModelProperties;

/** The shared contract (EventStoreModelProperties) against the log store with fsync=interval. */
class LogIntervalModelTest extends EventStoreModelProperties {
  @Override
  protected EventStore createStore() {
    return TestStores.open(LogOptions.defaults().withFsync("interval:5"));
  }
}
