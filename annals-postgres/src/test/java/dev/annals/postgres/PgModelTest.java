package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreModelProperties;

/** The shared model properties (EventStoreModelProperties) against the PostgreSQL store, a fresh schema per try. */
class PgModelTest extends EventStoreModelProperties {
  @Override
  protected EventStore createStore() {
    return PgStores.open();
  }
}
