package dev.annals.server;

import static dev.annals.server.TestServer.append;
import static dev.annals.server.TestServer.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.TestPostgres;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server over a PostgreSQL store keeps the API's promise that a client mistake is never a 5xx:
 * every bad input of {@link BadInputTest} gets the same precise error, and inputs that only a database
 * could trip on (LIKE wildcards in a filter, times PostgreSQL cannot hold, a NUL in a text) are answered
 * without a server error, writing nothing.
 */
@ExtendWith(TestPostgres.class)
class PostgresRoutesTest {

  static TestServer t;

  @BeforeAll
  static void start(LocalPostgres postgres) throws Exception {
    PostgresEventStore store = PostgresEventStore.open(postgres.url(postgres.createDatabase()).toString());
    t = new TestServer(store, ServerConfig.defaults().withPort(0).withMaxRequestBytes(4L << 20).withEngine("postgresql"),
        List.of());
    store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{\"n\":1}"), EventData.of("T", "{\"n\":2}"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (t != null) {
      t.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.annals.server.BadInputTest#cases")
  void bad_input_gets_the_same_precise_error_as_on_every_engine_and_writes_nothing(BadInputTest.Case c) {
    List<RecordedEvent> before = everything();
    TestServer.Reply r = t.send(c.method(), c.path(), c.body(), Optional.empty());
    assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
    assertThat(r.error()).as(r.toString()).isEqualTo(c.code());
    assertThat(r.json().get("message").asText()).as(r.toString()).contains(c.says());
    assertThat(everything()).isEqualTo(before);
  }

  record Edge(String method, String path, Optional<String> body) {}

  static Arguments edge(String name, String method, String path, String body) {
    return Arguments.of(Named.of(name, new Edge(method, path, Optional.ofNullable(body))));
  }

  static Stream<Arguments> edges() {
    String far = "+999999999-12-31T23:59:59Z";
    String early = "-999999999-01-01T00:00:00Z";
    return Stream.of(
        edge("category with %", "GET", "/all?category=s%25", null),
        edge("prefix _", "GET", "/all?prefix=_", null),
        edge("prefix backslash", "GET", "/all?prefix=s%5C", null),
        edge("listing prefix %", "GET", "/streams?prefix=%25", null),
        edge("listing category _", "GET", "/streams?category=_", null),
        edge("knownAt far past", "GET", "/streams/s-1?knownAt=" + early, null),
        edge("validAt far future", "GET", "/streams/s-1?validAt=" + far, null),
        edge("position at far past", "GET", "/position?at=" + early, null),
        edge("position at far future", "GET", "/position?at=" + far, null),
        edge("all from the largest position", "GET", "/all?from=9223372036854775807", null),
        edge("all backward from the largest position", "GET", "/all?from=9223372036854775807&direction=backward", null),
        edge("stream from the largest version", "GET", "/streams/s-1?from=9223372036854775807", null),
        edge("audit actor with NUL", "GET", "/audit?actor=a%00b", null),
        edge("audit since far past", "GET", "/audit?since=" + early + "&actor=x", null),
        edge("emoji stream", "GET", "/streams/%F0%9F%98%80-1", null),
        edge("effectiveAt far future", "POST", "/streams/edge-1",
            "{\"events\":[{\"type\":\"T\",\"data\":{},\"effectiveAt\":\"" + far + "\"}]}"),
        edge("effectiveAt far past", "POST", "/streams/edge-2",
            "{\"events\":[{\"type\":\"T\",\"data\":{},\"effectiveAt\":\"" + early + "\"}]}"),
        edge("data with an escaped NUL", "POST", "/streams/edge-3", "{\"events\":[{\"type\":\"T\",\"data\":{\"a\":\"\\u0000\"}}]}"),
        edge("metadata with an escaped NUL", "POST", "/streams/edge-4",
            "{\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":{\"actor\":\"a\\u0000b\"}}]}"),
        edge("import recordedAt far past", "POST", "/admin/import",
            "{\"events\":[{\"stream\":\"edge-5\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"" + early + "\"}]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edges")
  void input_only_a_database_could_trip_on_is_never_a_server_error(Edge e) {
    TestServer.Reply r = t.send(e.method(), e.path(), e.body(), Optional.empty());
    assertThat(r.status()).as(r.toString()).isBetween(200, 499);
    assertThat(t.get("/health").status()).isEqualTo(200);
  }

  private static List<RecordedEvent> everything() {
    return t.store.readAll(1, Direction.FORWARD, 10_000, Filter.all()).events();
  }
}
