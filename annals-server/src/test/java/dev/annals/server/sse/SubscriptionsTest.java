package dev.annals.server.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.server.ServerConfig;
import dev.annals.server.SseClient;
import dev.annals.server.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {

  static final Duration PATIENCE = Duration.ofSeconds(30);
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0).withHeartbeat(Duration.ofMillis(200))
        .withIdleTimeout(Duration.ofSeconds(2)));
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  private SseClient subscribe(String path) throws Exception {
    return subscribe(path, Optional.empty());
  }

  private SseClient subscribe(String path, Optional<String> lastId) throws Exception {
    return new SseClient(t.http, t.uri(path), lastId, Optional.empty());
  }

  private void appendN(String stream, int n) {
    for (int i = 0; i < n; i++) {
      t.store.append(stream, ExpectedVersion.ANY, EventData.of("T", "{\"n\":" + i + "}"));
    }
  }

  @Test
  void subscribe_all_from_a_position_catches_up_then_delivers_live_events_with_positions_as_ids() throws Exception {
    appendN("a-1", 5);
    try (SseClient c = subscribe("/subscribe/all?from=3")) {
      assertThat(c.status).isEqualTo(200);
      c.awaitIds(3, PATIENCE);
      appendN("b-1", 4);
      c.awaitIds(7, PATIENCE);
      assertThat(c.ids()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
      JsonNode e = TestServer.MAPPER.readTree(c.messages.getFirst().data());
      assertThat(e.get("position").asLong()).isEqualTo(3);
      assertThat(e.get("stream").asText()).isEqualTo("a-1");
      assertThat(e.get("data").get("n").asInt()).isEqualTo(2);
      assertThat(c.named("caught-up")).isNotEmpty();
    }
  }

  @Test
  void last_event_id_resumes_right_after_it_and_overrides_from() throws Exception {
    appendN("a-1", 6);
    try (SseClient c = subscribe("/subscribe/all?from=1", Optional.of("4"))) {
      c.awaitIds(2, PATIENCE);
      appendN("a-1", 1); // in-order delivery: once this one is in, anything wrongly sent before it is too
      c.awaitIds(3, PATIENCE);
      assertThat(c.ids()).containsExactly(5L, 6L, 7L);
    }
  }

  @Test
  void from_end_delivers_only_new_events_and_is_the_default() throws Exception {
    appendN("a-1", 3);
    try (SseClient explicit = subscribe("/subscribe/all?from=end"); SseClient dflt = subscribe("/subscribe/all")) {
      appendN("a-1", 2);
      explicit.awaitIds(2, PATIENCE);
      dflt.awaitIds(2, PATIENCE);
      assertThat(explicit.ids()).containsExactly(4L, 5L);
      assertThat(dflt.ids()).containsExactly(4L, 5L);
    }
  }

  @Test
  void a_stream_subscription_uses_versions_as_ids_and_filters_apply_to_all() throws Exception {
    appendN("acct-1", 3);
    appendN("order-1", 3);
    try (SseClient stream = subscribe("/subscribe/streams/acct-1?from=2");
        SseClient orders = subscribe("/subscribe/all?from=1&category=order")) {
      appendN("acct-1", 1);
      stream.awaitIds(3, PATIENCE);
      orders.awaitIds(3, PATIENCE);
      assertThat(stream.ids()).containsExactly(2L, 3L, 4L);
      assertThat(orders.ids()).containsExactly(4L, 5L, 6L);
    }
  }

  @Test
  void an_idle_subscription_gets_heartbeat_comments() throws Exception {
    try (SseClient c = subscribe("/subscribe/all")) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (c.comments.stream().noneMatch(x -> x.contains("heartbeat")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(c.comments).anyMatch(x -> x.contains("heartbeat"));
    }
  }

  /**
   * A stream subscription's heartbeat comes one interval after the last write, not up to two: the
   * request thread used to look only once per interval, so an event just after a look left almost two
   * intervals of silence (29.7 s with the default 15 s, just under Jetty's 30 s idle timeout).
   */
  @Test
  void a_stream_subscription_heartbeat_follows_the_last_event_by_one_interval() throws Exception {
    t.close();
    t = new TestServer(ServerConfig.defaults().withPort(0).withHeartbeat(Duration.ofMillis(500))
        .withIdleTimeout(Duration.ofSeconds(5)));
    try (SseClient c = subscribe("/subscribe/streams/hb-1")) {
      awaitSize(c.comments, 1);
      Thread.sleep(250); // halfway to the next look of the old loop
      int before = c.comments.size();
      appendN("hb-1", 1);
      awaitSize(c.messages, 1);
      long eventAt = System.nanoTime();
      awaitSize(c.comments, before + 1);
      long gapMillis = (System.nanoTime() - eventAt) / 1_000_000;
      assertThat(gapMillis).as("silence after the event, ms").isLessThan(680);
    }
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (list.size() < size) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(2);
    }
  }

  @Test
  void two_hundred_concurrent_subscribers_each_receive_every_event_once_in_order_while_appending() throws Exception {
    int subscribers = 200;
    int events = 2_000;
    // This test is about fan-out, not about dropping stuck clients: on a busy 2-core machine a healthy
    // client can go 2 s without reading, so it runs on a server with a long idle timeout.
    t.close();
    t = new TestServer(ServerConfig.defaults().withPort(0).withHeartbeat(Duration.ofMillis(200))
        .withIdleTimeout(Duration.ofSeconds(60)));
    HttpClient http = HttpClient.newHttpClient();
    List<SseClient> clients = new ArrayList<>();
    try {
      appendN("pre-1", 500);
      for (int i = 0; i < subscribers; i++) {
        clients.add(new SseClient(http, t.uri("/subscribe/all?from=1"), Optional.empty(), Optional.empty()));
      }
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String stream = "w-" + w;
        writers.add(Thread.ofPlatform().start(() -> appendN(stream, (events - 500) / 4)));
      }
      for (Thread w : writers) {
        w.join();
      }
      appendN("last-1", 1); // in-order delivery: once this one is in, anything wrongly sent before it is too
      List<Long> expected = LongStream.rangeClosed(1, events + 1).boxed().toList();
      for (SseClient c : clients) {
        c.awaitIds(events + 1, PATIENCE);
      }
      for (SseClient c : clients) {
        assertThat(c.ids()).isEqualTo(expected);
      }
      assertThat(t.get("/metrics").body()).contains("annals_subscribers " + subscribers + ".0");
    } finally {
      for (SseClient c : clients) {
        c.close();
      }
      http.close();
    }
  }

  @Test
  void a_client_that_stops_reading_blocks_no_writer_and_no_other_client_and_is_disconnected() throws Exception {
    String big = "\"" + "x".repeat(100_000) + "\"";
    try (Socket stuck = new Socket("127.0.0.1", t.server.port()); SseClient healthy = subscribe("/subscribe/all?from=1")) {
      stuck.setReceiveBufferSize(4096);
      OutputStream out = stuck.getOutputStream();
      out.write("GET /subscribe/all?from=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      for (int i = 0; i < 300; i++) {
        t.store.append("big-1", ExpectedVersion.ANY, EventData.of("Big", big));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      healthy.awaitIds(300, PATIENCE);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!t.get("/metrics").body().contains("annals_subscribers 1.0") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(t.get("/metrics").body()).contains("annals_subscribers 1.0");
    }
  }

  @Test
  void stopping_the_server_sends_subscribers_a_final_shutdown_event() throws Exception {
    SseClient c = subscribe("/subscribe/all");
    appendN("a-1", 1);
    c.awaitIds(1, PATIENCE);
    t.server.stop();
    c.awaitEnd(PATIENCE);
    assertThat(c.ended).isTrue();
    assertThat(c.named("shutdown")).hasSize(1);
    c.close();
  }

  @Test
  void a_bad_last_event_id_is_invalid_request_before_any_stream_starts() throws Exception {
    var r = t.http.send(java.net.http.HttpRequest.newBuilder(t.uri("/subscribe/all")).header("Last-Event-ID", "seven").build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"error\":\"invalid_request\"").contains("Last-Event-ID");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/subscribe/all", "/subscribe/streams/acc-1"})
  void a_last_event_id_with_no_next_position_is_invalid_request(String path) throws Exception {
    appendN("acc-1", 3);
    var r = t.http.send(java.net.http.HttpRequest.newBuilder(t.uri(path)).header("Last-Event-ID", Long.toString(Long.MAX_VALUE))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    try (var body = r.body()) {
      assertThat(r.statusCode()).isEqualTo(400); // not a 200 stream that starts at -2^63 or replays from 1
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
          .contains("\"error\":\"invalid_request\"").contains("Last-Event-ID");
    }
  }

  @Test
  void pretty_printed_event_data_travels_as_several_data_lines() throws Exception {
    t.store.append("p-1", ExpectedVersion.ANY, EventData.of("T", "{\n  \"a\": 1,\n  \"b\": [2]\n}"));
    try (SseClient c = subscribe("/subscribe/all?from=1")) {
      c.awaitIds(1, PATIENCE);
      JsonNode e = TestServer.MAPPER.readTree(c.messages.getFirst().data());
      assertThat(e.get("data").get("b").get(0).asInt()).isEqualTo(2);
    }
  }

  @Test
  void subscribers_to_all_and_to_a_stream_get_the_same_event_each_with_its_own_id() throws Exception {
    appendN("a-1", 2);
    appendN("b-1", 3);
    try (SseClient all = subscribe("/subscribe/all?from=1"); SseClient stream = subscribe("/subscribe/streams/b-1?from=1")) {
      all.awaitIds(5, PATIENCE);
      stream.awaitIds(3, PATIENCE);
      assertThat(all.ids()).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(stream.ids()).containsExactly(1L, 2L, 3L);
      List<String> allData = all.messages.stream().filter(m -> m.id().isPresent()).map(SseClient.Message::data).toList();
      List<String> streamData = stream.messages.stream().filter(m -> m.id().isPresent()).map(SseClient.Message::data).toList();
      assertThat(streamData).containsExactlyElementsOf(allData.subList(2, 5));
      assertThat(TestServer.MAPPER.readTree(streamData.getFirst()).get("position").asLong()).isEqualTo(3);
    }
  }

  @Test
  void many_subscribers_each_get_every_event_once_in_order() throws Exception {
    appendN("a-1", 300);
    List<SseClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        clients.add(subscribe("/subscribe/all?from=" + (1 + i * 10)));
      }
      appendN("b-1", 200);
      for (int i = 0; i < clients.size(); i++) {
        SseClient c = clients.get(i);
        long from = 1 + i * 10;
        c.awaitIds((int) (500 - from + 1), PATIENCE);
        assertThat(c.ids()).containsExactlyElementsOf(LongStream.rangeClosed(from, 500).boxed().toList());
        JsonNode last = TestServer.MAPPER.readTree(c.messages.stream().filter(m -> m.id().isPresent()).toList().getLast().data());
        assertThat(last.get("position").asLong()).isEqualTo(500);
        assertThat(last.get("stream").asText()).isEqualTo("b-1");
      }
    } finally {
      for (SseClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void a_large_event_reaches_every_subscriber_whole() throws Exception {
    String pad = "y".repeat(5000);
    t.store.append("big-1", ExpectedVersion.ANY, EventData.of("T", "{\"pad\":\"" + pad + "\"}"));
    try (SseClient a = subscribe("/subscribe/all?from=1"); SseClient b = subscribe("/subscribe/all?from=1")) {
      a.awaitIds(1, PATIENCE);
      b.awaitIds(1, PATIENCE);
      for (SseClient c : List.of(a, b)) {
        JsonNode e = TestServer.MAPPER.readTree(c.messages.getFirst().data());
        assertThat(e.get("data").get("pad").asText()).isEqualTo(pad);
      }
    }
  }

  @Test
  void filters_leave_out_system_streams_and_keep_events_too_large_to_share_in_their_place() throws Exception {
    appendN("a-1", 2);
    t.store.append("$sys-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
    String pad = "q".repeat(SseFeed.KEPT_MESSAGE_BYTES);
    t.store.append("a-1", ExpectedVersion.ANY, EventData.of("T", "{\"pad\":\"" + pad + "\"}"));
    appendN("b-1", 2);
    try (SseClient all = subscribe("/subscribe/all?from=1"); SseClient a = subscribe("/subscribe/all?from=1&category=a");
        SseClient system = subscribe("/subscribe/all?from=1&system=true")) {
      appendN("a-1", 1);
      all.awaitIds(6, PATIENCE);
      a.awaitIds(4, PATIENCE);
      system.awaitIds(7, PATIENCE);
      assertThat(all.ids()).containsExactly(1L, 2L, 4L, 5L, 6L, 7L);
      assertThat(a.ids()).containsExactly(1L, 2L, 4L, 7L);
      assertThat(system.ids()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      JsonNode big = TestServer.MAPPER.readTree(a.messages.stream().filter(m -> m.id().equals(Optional.of(4L)))
          .findFirst().orElseThrow().data());
      assertThat(big.get("data").get("pad").asText()).isEqualTo(pad);
    }
  }

  @Test
  void a_subscriber_far_behind_reads_the_older_log_and_then_follows_live_events() throws Exception {
    appendN("a-1", 1_000);
    try (SseClient c = subscribe("/subscribe/all?from=2")) {
      c.awaitIds(999, PATIENCE);
      appendN("b-1", 300);
      c.awaitIds(1_299, PATIENCE);
      assertThat(c.ids()).isEqualTo(LongStream.rangeClosed(2, 1_300).boxed().toList());
      assertThat(c.named("caught-up")).isNotEmpty();
    }
  }
}
