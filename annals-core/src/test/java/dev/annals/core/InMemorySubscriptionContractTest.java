package dev.annals.core;

import dev.annals.core.contract.SubscriptionContract;

class InMemorySubscriptionContractTest extends SubscriptionContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
