package dev.annals.server;

import static dev.annals.server.TestServer.append;
import static dev.annals.server.TestServer.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ForwardingEventStore;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Page;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store whose database goes away (the PostgreSQL engine's outage, as it reports it: every call throws
 * {@code StoreUnavailableException}): {@code /health} says so and why, with the engine; every route that
 * needs the store answers 503 {@code unavailable}, never 500; once the database is back, the same
 * server answers as before.
 */
class StoreOutageTest {

  static final String REASON = "cannot reach PostgreSQL at 127.0.0.1:5432: Connection refused";

  /** Forwards to memory while up; every call fails like an unreachable database while down. */
  static final class OutageStore extends ForwardingEventStore {
    volatile boolean down;

    OutageStore() {
      super(new InMemoryEventStore());
    }

    private void reach() {
      if (down) {
        throw new StoreUnavailableException(REASON);
      }
    }

    @Override
    public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
      reach();
      return super.append(stream, expected, events);
    }

    @Override
    public ImportResult importEvents(List<ImportEvent> events) {
      reach();
      return super.importEvents(events);
    }

    @Override
    public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
      reach();
      return super.readStream(stream, fromVersion, direction, limit);
    }

    @Override
    public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
      reach();
      return super.readAll(fromPosition, direction, limit, filter);
    }

    @Override
    public long positionAt(Instant instant) {
      reach();
      return super.positionAt(instant);
    }

    @Override
    public long headPosition() {
      reach();
      return super.headPosition();
    }

    @Override
    public long streamVersion(String stream) {
      reach();
      return super.streamVersion(stream);
    }

    @Override
    public List<StreamInfo> listStreams(StreamQuery query, int limit) {
      reach();
      return super.listStreams(query, limit);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
      reach();
      return super.subscribeToAll(fromPosition, filter, handler);
    }

    @Override
    public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
      reach();
      return super.subscribeToStream(stream, fromVersion, handler);
    }
  }

  OutageStore store;
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    store = new OutageStore();
    t = new TestServer(store, ServerConfig.defaults().withPort(0).withEngine("postgresql"), List.of());
    assertThat(t.post("/streams/s-1", append("\"no_stream\"", events("Opened", "{}"))).status()).isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  @Test
  void health_names_the_engine_and_the_head_while_the_store_answers() {
    TestServer.Reply h = t.get("/health");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.body()).startsWith("{\"status\":\"ok\",\"engine\":\"postgresql\",\"head\":1,\"node\":\"127.0.0.1:");
    assertThat(h.json().path("nodes")).as("one server on its own lists itself").hasSize(1);
    assertThat(h.json().path("nodes").get(0).path("self").asBoolean()).isTrue();
  }

  @Test
  void health_says_the_store_is_unavailable_and_why_with_the_engine() {
    store.down = true;
    TestServer.Reply h = t.get("/health");
    assertThat(h.status()).isEqualTo(503);
    assertThat(h.error()).isEqualTo("unavailable");
    assertThat(h.json().get("message").asText()).isEqualTo("the store cannot be read: " + REASON);
    assertThat(h.json().get("engine").asText()).isEqualTo("postgresql");
  }

  @Test
  void every_route_that_needs_the_store_answers_503_unavailable_with_the_reason_never_500() {
    store.down = true;
    List<TestServer.Reply> replies = List.of(
        t.post("/streams/s-1", append("1", events("Deposited", "{\"amount\":5}"))),
        t.post("/streams/s-2", append("\"any\"", events("Opened", "{}"))),
        t.get("/streams/s-1"),
        t.get("/streams/s-1?knownAt=2026-01-01T00:00:00Z"),
        t.get("/streams/s-1?validAt=2026-01-01T00:00:00Z"),
        t.get("/all"),
        t.get("/all?direction=backward&limit=1"),
        t.get("/streams"),
        t.get("/head"),
        t.get("/position?at=2026-01-01T00:00:00Z"),
        t.get("/audit?actor=me"),
        t.post("/admin/import", "{\"events\":[{\"stream\":\"s-3\",\"type\":\"T\",\"data\":{},\"recordedAt\":\"2020-01-01T00:00:00Z\"}]}"),
        t.post("/admin/verify", ""),
        t.get("/subscribe/all"),
        t.get("/subscribe/streams/s-1"));
    for (TestServer.Reply r : replies) {
      assertThat(r.status()).as(r.raw().request().method() + " " + r.raw().request().uri() + ": " + r).isEqualTo(503);
      assertThat(r.error()).as(r.toString()).isEqualTo("unavailable");
      assertThat(r.json().get("message").asText()).as(r.toString()).contains(REASON);
    }
  }

  @Test
  void a_client_mistake_is_still_a_4xx_while_the_store_is_down() {
    store.down = true;
    assertThat(t.post("/streams/s-1", "{not json").status()).isEqualTo(400);
    assertThat(t.get("/streams/s-1?limit=-1").status()).isEqualTo(400);
    assertThat(t.get("/nowhere").status()).isEqualTo(404);
  }

  @Test
  void metrics_still_answer_while_the_store_is_down() {
    store.down = true;
    TestServer.Reply m = t.get("/metrics");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.body()).contains("annals_append_events_total");
  }

  @Test
  void once_the_store_is_back_the_same_server_appends_and_reads_again() {
    store.down = true;
    assertThat(t.post("/streams/s-1", append("1", events("Deposited", "{\"amount\":5}"))).status()).isEqualTo(503);
    store.down = false;
    TestServer.Reply a = t.post("/streams/s-1", append("1", events("Deposited", "{\"amount\":5}")));
    assertThat(a.status()).as(a.toString()).isEqualTo(200);
    assertThat(a.json().get("lastVersion").asLong()).isEqualTo(2);
    assertThat(t.get("/streams/s-1").json().get("events")).hasSize(2);
    assertThat(t.get("/health").json().get("head").asLong()).isEqualTo(2);
  }
}
