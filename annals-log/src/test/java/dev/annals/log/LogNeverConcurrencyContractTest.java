package dev.annals.log;

import dev.annals.core.EventStore;
import dev.annals.core.contract.ConcurrencyContract;

/** The shared contract (ConcurrencyContract) against the log store with fsync=never. */
class LogNeverConcurrencyContractTest extends ConcurrencyContract {
  @Override
  protected EventStore createStore() {
    return TestStores.open(LogOptions.defaults().withFsync("never").withSegmentBytes(64 << 10));
  }
}
