package dev.annals.client;

import dev.annals.core.EventStore;
import dev.annals.core.ForwardingEventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.time.Clock;

/** A live server (in-process, random loopback port, over a fresh in-memory store) and a client of it. */
final class LiveServer implements AutoCloseable {

  final InMemoryEventStore backing;
  final AnnalsServer server;
  final HttpEventStore client;

  LiveServer() throws Exception {
    this(ServerConfig.defaults().withPort(0));
  }

  LiveServer(ServerConfig config) throws Exception {
    this(new InMemoryEventStore(), config);
  }

  LiveServer(InMemoryEventStore backing, ServerConfig config) throws Exception {
    this.backing = backing;
    server = new AnnalsServer(backing, config, new ScanVerifier(backing, true)).start();
    client = new HttpEventStore(server.uri());
  }

  /**
   * The client of a fresh server whose store stamps {@code recordedAt} from {@code clock}; closing the
   * client stops the server.
   */
  static EventStore overStoreTimedBy(Clock clock) {
    LiveServer live;
    try {
      live = new LiveServer(new InMemoryEventStore(clock, Limits.defaults(), 1_000_000),
          ServerConfig.defaults().withPort(0));
    } catch (Exception e) {
      throw new IllegalStateException("the server did not start", e);
    }
    return new ForwardingEventStore(live.client) {
      @Override
      public void close() {
        try {
          live.close();
        } catch (Exception e) {
          throw new IllegalStateException("the server did not stop", e);
        }
      }
    };
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.stop();
    backing.close();
  }
}
