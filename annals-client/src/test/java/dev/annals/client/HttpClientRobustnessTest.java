package dev.annals.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.InvalidInputException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * What the client does with bad names, stalled or misbehaving servers, and subscriptions whose
 * connection goes quiet or gets refused: never a wrong stream, never a hang, never a silent loop.
 */
class HttpClientRobustnessTest {

  /** A server that answers each connection with {@code answer(connection number, socket)}; the request is not read. */
  static final class FakeServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    final List<Socket> open = new CopyOnWriteArrayList<>();

    FakeServer(BiConsumer<Integer, Socket> answer) throws IOException {
      socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            open.add(s);
            int n = connections.incrementAndGet();
            Thread.ofVirtual().start(() -> answer.accept(n, s));
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    static void write(Socket s, String text) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // the client went away
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }

  static final String SSE_HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

  static final String EVENT_1 = "id: 1\ndata: {\"id\":\"6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11\",\"stream\":\"s-1\",\"version\":1,"
      + "\"position\":1,\"type\":\"T\",\"data\":{},\"metadata\":{},\"recordedAt\":\"2026-01-01T00:00:00Z\","
      + "\"effectiveAt\":\"2026-01-01T00:00:00Z\"}\n\n";

  static final EventHandler IGNORE = e -> { };

  @Test
  void a_stream_name_or_filter_with_an_unpaired_surrogate_is_refused_as_the_embedded_store_refuses_it() throws Exception {
    try (LiveServer live = new LiveServer(); InMemoryEventStore embedded = new InMemoryEventStore()) {
      String name = "acct-\uD800";
      String expected = catchMessage(() -> embedded.append(name, ExpectedVersion.ANY, List.of(EventData.of("T", "{}"))));
      assertThatThrownBy(() -> live.client.append(name, ExpectedVersion.ANY, List.of(EventData.of("T", "{}"))))
          .isInstanceOf(InvalidInputException.class).hasMessage(expected);
      assertThatThrownBy(() -> live.client.readStream(name, 1, Direction.FORWARD, 10))
          .isInstanceOf(InvalidInputException.class).hasMessage(expected);
      assertThatThrownBy(() -> live.client.readAll(1, Direction.FORWARD, 10, Filter.prefix("acct-\uDC00")))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("unpaired surrogate");
      assertThat(live.backing.headPosition()).as("nothing was written, to any stream").isZero();
    }
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("no exception");
  }

  @Test
  void a_404_from_a_wrong_base_url_is_an_error_not_an_empty_stream() throws Exception {
    try (LiveServer live = new LiveServer();
        HttpEventStore wrong = new HttpEventStore(URI.create(live.server.uri() + "/api"))) {
      live.client.append("busy-1", ExpectedVersion.ANY, List.of(EventData.of("T", "{}")));
      assertThatThrownBy(() -> wrong.readStream("busy-1", 1, Direction.FORWARD, 10))
          .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(404))
          .hasMessageContaining("no route");
      assertThatThrownBy(() -> wrong.streamVersion("busy-1")).isInstanceOf(RequestRefusedException.class);
      assertThat(live.client.readStream("none-1", 1, Direction.FORWARD, 10).events()).isEmpty();
      assertThat(live.client.streamVersion("none-1")).isZero();
    }
  }

  @Test
  void data_nested_as_deep_as_the_store_allows_reads_back_through_the_client() throws Exception {
    try (LiveServer live = new LiveServer()) {
      String deep = "[".repeat(255) + "]".repeat(255);
      live.backing.append("deep-1", ExpectedVersion.ANY, List.of(EventData.of("T", deep)));
      assertThat(live.client.readStream("deep-1", 1, Direction.FORWARD, 10).events().getFirst().data().toString())
          .isEqualTo(deep);
      assertThat(live.client.readAll(1, Direction.FORWARD, 10, Filter.all()).events()).hasSize(1);
    }
  }

  @Test
  void a_body_that_stops_arriving_times_out_and_close_does_not_wait_for_it() throws Exception {
    try (FakeServer fake = new FakeServer((n, s) -> FakeServer.write(s,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"head\":"))) {
      HttpEventStore client = new HttpEventStore(fake.uri(), ClientOptions.defaults().withTimeout(Duration.ofSeconds(1)));
      long t0 = System.nanoTime();
      assertThatThrownBy(client::headPosition).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("did not answer within");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      Thread.ofVirtual().start(() -> catchMessage(client::headPosition)); // left in flight
      Thread.sleep(200);
      long c0 = System.nanoTime();
      client.close();
      assertThat(Duration.ofNanos(System.nanoTime() - c0)).isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  void listing_streams_asks_the_server_for_its_list_and_follows_next_instead_of_reading_the_log() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    String first = "{\"streams\":[" + summary("a-1") + "," + summary("b-1") + "],\"next\":\"b-1\"}";
    String second = "{\"streams\":[" + summary("c-1") + "],\"next\":null}";
    try (FakeServer fake = new FakeServer((n, s) -> {
          requests.add(requestLine(s));
          String body = n == 1 ? first : second;
          FakeServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
              + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        });
        HttpEventStore client = new HttpEventStore(fake.uri())) {
      List<StreamInfo> got = client.listStreams(StreamQuery.prefix("x").withCategory("y"), 3);
      assertThat(got).extracting(StreamInfo::stream).containsExactly("a-1", "b-1", "c-1");
      assertThat(got.getFirst()).isEqualTo(new StreamInfo("a-1", 2, 7, java.time.Instant.parse("2024-01-02T03:04:05.000006Z")));
      assertThat(requests).containsExactly("GET /streams?limit=3&prefix=x&category=y HTTP/1.1",
          "GET /streams?limit=1&prefix=x&category=y&after=b-1 HTTP/1.1");
    }
  }

  private static String summary(String stream) {
    return "{\"stream\":\"" + stream + "\",\"version\":2,\"lastPosition\":7,\"lastRecordedAt\":\"2024-01-02T03:04:05.000006Z\"}";
  }

  private static String requestLine(Socket s) {
    try {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = s.getInputStream().read()) >= 0 && c != '\r') {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  @Test
  void a_subscription_whose_connection_goes_silent_reconnects() throws Exception {
    try (FakeServer fake = new FakeServer((n, s) -> FakeServer.write(s, SSE_HEADERS + (n == 2 ? EVENT_1 : "")));
        HttpEventStore client = new HttpEventStore(fake.uri())) {
      client.subscriptionIdle(Duration.ofMillis(500));
      List<RecordedEvent> got = new CopyOnWriteArrayList<>();
      Subscription sub = client.subscribeToAll(1, Filter.all(), got::add);
      await(() -> got.size() == 1 || sub.isStopped(), () -> "connections " + fake.connections.get());
      assertThat(got).as("stopped: %s", sub.failure()).hasSize(1);
      assertThat(fake.connections.get()).isGreaterThanOrEqualTo(2);
      assertThat(sub.isStopped()).isFalse();
      sub.close();
    }
  }

  @Test
  void a_429_while_connecting_is_retried_after_retry_after_not_taken_as_a_refusal() throws Exception {
    String body = "{\"error\":\"rate_limited\",\"message\":\"slow down\"}";
    String tooMany = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    try (FakeServer fake = new FakeServer((n, s) -> FakeServer.write(s, n == 1 ? tooMany : SSE_HEADERS + EVENT_1));
        HttpEventStore client = new HttpEventStore(fake.uri())) {
      List<RecordedEvent> got = new CopyOnWriteArrayList<>();
      Subscription sub = client.subscribeToAll(1, Filter.all(), got::add);
      await(() -> got.size() == 1);
      assertThat(sub.failure()).isEmpty();
      sub.close();
    }
  }

  @Test
  void what_reconnecting_cannot_mend_stops_the_subscription_with_its_failure() throws Exception {
    String forbidden = "event: error\ndata: {\"error\":\"forbidden\",\"message\":\"no reading here\"}\n\n";
    String garbage = "id: 1\ndata: not json\n\n";
    for (String body : List.of(forbidden, garbage)) {
      try (FakeServer fake = new FakeServer((n, s) -> FakeServer.write(s, SSE_HEADERS + body));
          HttpEventStore client = new HttpEventStore(fake.uri())) {
        Subscription sub = client.subscribeToAll(1, Filter.all(), IGNORE);
        assertThat(sub.awaitStop(Duration.ofSeconds(10))).as(body).isTrue();
        assertThat(sub.failure()).as(body).isPresent();
        assertThat(fake.connections.get()).as("no reconnect loop").isEqualTo(1);
      }
    }
  }

  @Test
  void a_failing_on_caught_up_stops_the_subscription_as_on_the_embedded_store() throws Exception {
    try (LiveServer live = new LiveServer()) {
      live.client.append("c-1", ExpectedVersion.ANY, List.of(EventData.of("T", "{}")));
      Subscription sub = live.client.subscribeToAll(1, Filter.all(), new EventHandler() {
        @Override
        public void onEvent(RecordedEvent event) { }

        @Override
        public void onCaughtUp(long next) {
          throw new IllegalStateException("caught-up handler failed");
        }
      });
      assertThat(sub.awaitStop(Duration.ofSeconds(10))).isTrue();
      assertThat(sub.failure()).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessage("caught-up handler failed");
    }
  }

  @Test
  void close_waits_for_a_running_on_caught_up_without_interrupting_it() throws Exception {
    try (LiveServer live = new LiveServer()) {
      AtomicBoolean inside = new AtomicBoolean();
      AtomicBoolean interrupted = new AtomicBoolean();
      AtomicBoolean finished = new AtomicBoolean();
      Subscription sub = live.client.subscribeToAll(1, Filter.all(), new EventHandler() {
        @Override
        public void onEvent(RecordedEvent event) { }

        @Override
        public void onCaughtUp(long next) {
          inside.set(true);
          try {
            Thread.sleep(500);
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
          finished.set(true);
        }
      });
      await(inside::get);
      sub.close();
      assertThat(finished).as("close returned after the handler").isTrue();
      assertThat(interrupted).as("the handler was not interrupted").isFalse();
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    await(condition, () -> "");
  }

  private static void await(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; " + state.get());
      }
      Thread.sleep(10);
    }
  }
}
