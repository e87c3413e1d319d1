package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreContract;

/** The shared contract (EventStoreContract) against the log store with fsync=always. */
class LogAlwaysContractTest extends EventStoreContract {
  @Override
  protected EventStore createStore() {
    return TestStores.open(LogOptions.defaults());
  }
}
