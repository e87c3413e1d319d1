package dev.annals.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP stack's ceiling, as a benchmark baseline: Jetty set up as {@code AnnalsServer} sets it up
 * (the same thread pool, requests on virtual threads, loopback connector), answering every request
 * by reading its whole body and sending a canned 200 with an append response's headers and size. No
 * routing, no JSON, no store: what is left of a request is what HTTP/1.1 over loopback costs here.
 */
final class CannedHttpServer implements AutoCloseable {

  /** An append response's body, with the same fields and about the same length. */
  private static final byte[] BODY = ("{\"stream\":\"acct-1234\",\"firstVersion\":57,\"lastVersion\":57,"
      + "\"firstPosition\":1234567,\"lastPosition\":1234567,\"recordedAt\":\"2026-11-27T10:00:00.123456Z\"}")
      .getBytes(StandardCharsets.US_ASCII);

  private final Server jetty;
  private final ServerConnector connector;

  CannedHttpServer() throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(256, 4);
    pool.setName("canned-http");
    ThreadFactory requestThreads = Thread.ofVirtual().name("canned-request").factory();
    pool.setVirtualThreadsExecutor(task -> requestThreads.newThread(task).start());
    jetty = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Content.Source.consumeAll(request); // blocks this virtual thread while the body is on its way
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(BODY), callback);
        return true;
      }
    });
    jetty.start();
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
