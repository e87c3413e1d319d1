package dev.annals.core;

import dev.annals.core.contract.EventStoreContract;

class InMemoryEventStoreContractTest extends EventStoreContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
