package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.SubscriptionContract;

/** The shared contract (SubscriptionContract) against the log store with fsync=always. */
class LogAlwaysSubscriptionContractTest extends SubscriptionContract {
  @Override
  protected EventStore createStore() {
    return TestStores.open(LogOptions.defaults());
  }
}
