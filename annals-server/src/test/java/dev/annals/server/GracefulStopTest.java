package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ForwardingEventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.server.verify.ScanVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulStopTest {

  /** An in-memory store whose appends take a while, so a stop can catch one in flight. */
  static final class SlowAppends extends ForwardingEventStore {
    SlowAppends() {
      super(new InMemoryEventStore());
    }

    final CountDownLatch appending = new CountDownLatch(1);

    @Override
    public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
      appending.countDown();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.append(stream, expected, events);
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
