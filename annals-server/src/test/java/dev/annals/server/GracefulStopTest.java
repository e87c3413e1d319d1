package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Page;
import dev.annals.core.Subscription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulStopTest {

  /** An in-memory store whose appends take a while, so a stop can catch one in flight. */
  static final class SlowAppends implements EventStore {
    final InMemoryEventStore inner = new InMemoryEventStore();
    final CountDownLatch appending = new CountDownLatch(1);

    @Override
    public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
      appending.countDown();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.append(stream, expected, events);
    }

    @Override
    public ImportResult importEvents(List<ImportEvent> events) {
      return inner.importEvents(events);
    }

    @Override
    public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
      return inner.readStream(stream, fromVersion, direction, limit);
    }

    @Override
    public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
      return inner.readAll(fromPosition, direction, limit, filter);
    }

    @Override
    public long positionAt(Instant instant) {
      return inner.positionAt(instant);
    }

    @Override
    public long headPosition() {
      return inner.headPosition();
    }

    @Override
    public long streamVersion(String stream) {
      return inner.streamVersion(stream);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
      return inner.subscribeToAll(fromPosition, filter, handler);
    }

    @Override
    public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
      return inner.subscribeToStream(stream, fromVersion, handler);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void an_append_in_flight_when_the_server_stops_finishes_and_is_answered() throws Exception {
    try (SlowAppends store = new SlowAppends(); HttpClient http = HttpClient.newHttpClient()) {
      AnnalsServer server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true))
          .start();
      URI uri = URI.create(server.uri() + "/streams/s-1");
      CompletableFuture<HttpResponse<String>> reply = http.sendAsync(HttpRequest.newBuilder(uri)
          .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[{\"type\":\"T\",\"data\":1}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(store.appending.await(30, TimeUnit.SECONDS)).isTrue();
      server.stop();
      HttpResponse<String> r = reply.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"lastVersion\":1");
      assertThat(store.streamVersion("s-1")).isEqualTo(1);
    }
  }
}
