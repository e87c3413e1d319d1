package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreContract;

/** The shared contract (EventStoreContract) against the PostgreSQL store, a fresh schema per test. */
class PgContractTest extends EventStoreContract {
  @Override
  protected EventStore createStore() {
    return PgStores.open();
  }
}
