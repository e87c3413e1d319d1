package dev.annals.client;

import dev.annals.core.EventStore;
import dev.annals.core.contract.EventStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The eventstore contract through {@link HttpEventStore} against a live server over an in-memory store. */
class HttpEventStoreContractTest extends EventStoreContract {

  private LiveServer live;

  @Override
  protected EventStore createStore() throws Exception {
    live = new LiveServer();
    return live.client;
  }

  @AfterEach
  void stopServer() throws Exception {
    live.close();
  }
}
