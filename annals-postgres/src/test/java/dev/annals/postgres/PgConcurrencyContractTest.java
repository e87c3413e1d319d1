package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.core.contract.ConcurrencyContract;

/** The shared contract (ConcurrencyContract) against the PostgreSQL store, a fresh schema per test. */
class PgConcurrencyContractTest extends ConcurrencyContract {
  @Override
  protected EventStore createStore() {
    return PgStores.open();
  }
}
