package dev.annals.core;

import dev.annals.core.contract.ConcurrencyContract;

class InMemoryConcurrencyContractTest extends ConcurrencyContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
