package dev.annals.client;

import dev.annals.core.EventStore;
import dev.annals.core.contract.ConcurrencyContract;
import org.junit.jupiter.api.AfterEach;

/** The concurrency contract through {@link HttpEventStore} against a live server over an in-memory store. */
class HttpConcurrencyContractTest extends ConcurrencyContract {

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
