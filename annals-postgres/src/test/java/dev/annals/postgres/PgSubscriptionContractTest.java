package dev.annals.postgres;

import dev.annals.core.EventStore;
import dev.annals.core.contract.SubscriptionContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared subscription contract against PostgreSQL, a fresh schema per store. */
@ExtendWith(TestPostgres.class)
class PgSubscriptionContractTest extends SubscriptionContract {

  @Override
  protected EventStore createStore() {
    return PgStores.open();
  }
}
