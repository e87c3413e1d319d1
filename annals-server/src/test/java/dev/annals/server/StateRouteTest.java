package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.module.ServerModule;
import dev.annals.module.StateQuery;
import dev.annals.module.StateView;
import dev.annals.server.verify.ScanVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /streams/{stream}/state}: the server hands the time question to the fold a module
 * registered for the stream's category. The test module's "fold" says which question it got and how
 * many events the stream has, so the test sees exactly what the route passed on.
 */
class StateRouteTest {

  static final InMemoryEventStore store = new InMemoryEventStore();
  static AnnalsServer server;
  static final HttpClient http = HttpClient.newHttpClient();

  /** Echoes the query it was given, plus the count of events in the stream. */
  static final StateView ECHO = (EventStore s, String stream, StateQuery q) -> JsonNodeFactory.instance.objectNode()
      .put("query", q.toString())
      .put("events", s.readStream(stream, 1, Direction.FORWARD, 1000).events().size());

  static final ServerModule MODULE = new ServerModule() {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public Map<String, StateView> stateViews() {
      return Map.of("counter", ECHO);
    }
  };

  @BeforeAll
  static void start() throws Exception {
    store.append("counter-1", ExpectedVersion.ANY, EventData.of("Added", "{}"), EventData.of("Added", "{}"));
    store.append("other-1", ExpectedVersion.ANY, EventData.of("Added", "{}"));
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true), List.of(MODULE))
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return TestServer.MAPPER.readTree(r.body());
  }

  @Test
  void each_time_question_reaches_the_category_fold() throws Exception {
    RecordedEvent first = store.readStream("counter-1", 1, Direction.FORWARD, 1).events().getFirst();
    assertThat(json(get("/streams/counter-1/state")).path("state").path("query").asText()).isEqualTo("Latest[]");
    assertThat(json(get("/streams/counter-1/state?version=1")).path("state").path("query").asText())
        .isEqualTo("AtVersion[version=1]");
    assertThat(json(get("/streams/counter-1/state?knownAt=2026-03-15T14:47:00Z")).path("state").path("query").asText())
        .isEqualTo("KnownAt[knownAt=2026-03-15T14:47:00Z]");
    assertThat(json(get("/streams/counter-1/state?validAt=2026-03-15T14:47:00Z&knownAt=2026-04-01T00:00:00Z"))
        .path("state").path("query").asText())
        .isEqualTo("ValidAt[validAt=2026-03-15T14:47:00Z, knownAt=2026-04-01T00:00:00Z]");
    HttpResponse<String> r = get("/streams/counter-1/state?validAt=" + first.recordedAt());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("stream").asText()).isEqualTo("counter-1");
    assertThat(body.path("streamVersion").asLong()).isEqualTo(2);
    assertThat(body.path("state").path("events").asInt()).isEqualTo(2);
    assertThat(Instant.parse(body.path("state").path("query").asText().replaceAll(".*knownAt=(.*)]", "$1")))
        .isAfterOrEqualTo(first.recordedAt());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/streams/other-1/state | 404 | not_found | category 'other'",
      "/streams/counter-9/state | 404 | not_found | has no events",
      "/streams/counter-1/state?version=0 | 400 | invalid_request | version",
      "/streams/counter-1/state?version=3 | 400 | invalid_request | past the stream's last version 2",
      "/streams/counter-1/state?version=x | 400 | invalid_request | version",
      "/streams/counter-1/state?version=1&knownAt=2026-01-01T00:00:00Z | 400 | invalid_request | not both",
      "/streams/counter-1/state?knownAt=yesterday | 400 | invalid_request | knownAt",
      "/streams/counter-1/state?colour=red | 400 | invalid_request | colour",
      "/streams/a%01b/state | 400 | invalid_request | control",
  })
  void bad_requests_are_4xx_json(String path, int status, String code, String says) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(json(r).path("error").asText()).isEqualTo(code);
    assertThat(json(r).path("message").asText()).contains(says);
  }

  @Test
  void two_modules_claiming_one_category_are_refused_at_start() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnnalsServer(store, ServerConfig.defaults().withPort(0),
        new ScanVerifier(store, true), List.of(MODULE, MODULE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("category 'counter'");
  }
}
