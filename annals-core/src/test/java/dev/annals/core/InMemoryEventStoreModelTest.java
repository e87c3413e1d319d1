package dev.annals.core;

import dev.annals.core.contract.EventStoreModelProperties;

class InMemoryEventStoreModelTest extends EventStoreModelProperties {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
