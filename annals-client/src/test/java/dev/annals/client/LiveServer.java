package dev.annals.client;

import dev.annals.core.InMemoryEventStore;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ScanVerifier;
import dev.annals.server.ServerConfig;

/** A live server (in-process, random loopback port, over a fresh in-memory store) and a client of it. */
final class LiveServer implements AutoCloseable {

  final InMemoryEventStore backing = new InMemoryEventStore();
  final AnnalsServer server;
  final HttpEventStore client;

  LiveServer() throws Exception {
    this(ServerConfig.defaults().withPort(0));
  }

  LiveServer(ServerConfig config) throws Exception {
    server = new AnnalsServer(backing, config, new ScanVerifier(backing, true)).start();
    client = new HttpEventStore(server.uri());
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.stop();
    backing.close();
  }
}
