package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.SubscriptionContract;

/** The shared contract (SubscriptionContract) against the log store with fsync=never. */
class LogNeverSubscriptionContractTest extends SubscriptionContract {
  @Override
  protected EventStore createStore() {
    return TestStores.open(LogOptions.defaults().withFsync("never").withSegmentBytes(64 << 10));
  }
}
