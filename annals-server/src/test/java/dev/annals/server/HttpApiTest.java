package dev.annals.server;

import static dev.annals.server.TestServer.append;
import static dev.annals.server.TestServer.events;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.cqrs.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiTest {

  /** Time moves only by hand; it starts in the past so a real "now" is later than every event. */
  static final Duration TICK = Duration.ofMillis(1);
  final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofHours(1)));
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(clock);
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  @Test
  void append_answers_with_versions_positions_and_recorded_time() {
    TestServer.Reply r = t.post("/streams/account-1", append("\"no_stream\"", events("Opened", "{\"owner\":\"ann\"}", "Deposited", "{\"amount\":5}")));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("stream").asText()).isEqualTo("account-1");
    assertThat(j.get("firstVersion").asLong()).isEqualTo(1);
    assertThat(j.get("lastVersion").asLong()).isEqualTo(2);
    assertThat(j.get("firstPosition").asLong()).isEqualTo(1);
    assertThat(j.get("lastPosition").asLong()).isEqualTo(2);
    assertThat(j.get("recordedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(t.store.streamVersion("account-1")).isEqualTo(2);
  }

  @Test
  void an_event_reads_back_in_the_wire_shape_with_its_data_bytes_untouched() {
    String data = "{ \"amount\" : 1.50, \"tags\":[1, 2 ,\"x\\u00e9\"], \"big\": 123456789012345678901234567890 }";
    String id = UUID.randomUUID().toString();
    String body = "{\"expectedVersion\":\"any\",\"events\":[{\"id\":\"" + id + "\",\"type\":\"Deposited\",\"data\":" + data
        + ",\"metadata\":{\"actor\":\"ann\", \"x\" : true},\"effectiveAt\":\"2026-03-15T14:47:00Z\"}]}";
    assertThat(t.post("/streams/account-1", body).status()).isEqualTo(200);
    TestServer.Reply r = t.get("/streams/account-1");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).contains(data).contains("{\"actor\":\"ann\", \"x\" : true}");
    JsonNode e = r.json().get("events").get(0);
    assertThat(e.get("id").asText()).isEqualTo(id);
    assertThat(e.get("stream").asText()).isEqualTo("account-1");
    assertThat(e.get("version").asLong()).isEqualTo(1);
    assertThat(e.get("position").asLong()).isEqualTo(1);
    assertThat(e.get("type").asText()).isEqualTo("Deposited");
    assertThat(e.get("effectiveAt").asText()).isEqualTo("2026-03-15T14:47:00.000000Z");
    assertThat(e.get("recordedAt").asText()).endsWith("Z").hasSize(27);
    assertThat(t.store.readStream("account-1", 1, Direction.FORWARD, 1).events().get(0).data())
        .isEqualTo(Json.of(data));
    assertThat(r.json().get("next").isNull()).isTrue();
  }

  @Test
  void scalar_data_values_are_kept_exactly() {
    List<String> values = List.of("42", "-1.5e10", "\"text\"", "true", "null", "[]", "{}", "0");
    for (String v : values) {
      assertThat(t.post("/streams/s-1", append("\"any\"", events("T", v))).status()).isEqualTo(200);
    }
    List<String> stored = t.store.readStream("s-1", 1, Direction.FORWARD, 100).events().stream()
        .map(e -> e.data().toString()).toList();
    assertThat(stored).containsExactlyElementsOf(values);
  }

  @Test
  void stream_reads_page_with_next_forward_and_backward() {
    for (int i = 0; i < 25; i++) {
      t.store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{\"n\":" + i + "}"));
    }
    JsonNode p1 = t.get("/streams/s-1?limit=10").json();
    assertThat(p1.get("events")).hasSize(10);
    assertThat(p1.get("next").asLong()).isEqualTo(11);
    JsonNode p3 = t.get("/streams/s-1?from=21&limit=10").json();
    assertThat(p3.get("events")).hasSize(5);
    assertThat(p3.get("next").isNull()).isTrue();
    JsonNode back = t.get("/streams/s-1?direction=backward&limit=10").json();
    assertThat(back.get("events").get(0).get("version").asLong()).isEqualTo(25);
    assertThat(back.get("next").asLong()).isEqualTo(15);
  }

  @Test
  void reading_a_stream_without_events_is_not_found() {
    TestServer.Reply r = t.get("/streams/nobody-1");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("not_found");
  }

  @Test
  void a_stale_expected_version_is_409_with_expected_and_actual() {
    t.store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}"), EventData.of("T", "{}"));
    TestServer.Reply r = t.post("/streams/s-1", append("1", events("T", "{}")));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.error()).isEqualTo("wrong_expected_version");
    assertThat(r.json().get("expected").asLong()).isEqualTo(1);
    assertThat(r.json().get("actual").asLong()).isEqualTo(2);
    TestServer.Reply none = t.post("/streams/s-1", append("\"no_stream\"", events("T", "{}")));
    assertThat(none.json().get("expected").asText()).isEqualTo("no_stream");
    assertThat(t.store.streamVersion("s-1")).isEqualTo(2);
  }

  @Test
  void a_retried_append_is_answered_once_and_a_mixed_one_is_an_idempotency_conflict() {
    String id1 = UUID.randomUUID().toString();
    String id2 = UUID.randomUUID().toString();
    String body = "{\"events\":[{\"id\":\"" + id1 + "\",\"type\":\"T\",\"data\":1}]}";
    TestServer.Reply first = t.post("/streams/s-1", body);
    TestServer.Reply again = t.post("/streams/s-1", body);
    assertThat(again.json()).isEqualTo(first.json());
    TestServer.Reply mixed = t.post("/streams/s-1", "{\"events\":[{\"id\":\"" + id1 + "\",\"type\":\"T\",\"data\":1},"
        + "{\"id\":\"" + id2 + "\",\"type\":\"T\",\"data\":2}]}");
    assertThat(mixed.status()).isEqualTo(409);
    assertThat(mixed.error()).isEqualTo("idempotency_conflict");
    assertThat(t.store.headPosition()).isEqualTo(1);
  }

  @Test
  void read_all_filters_by_types_category_and_prefix_and_leaves_out_system_streams() {
    t.store.append("account-1", ExpectedVersion.ANY, EventData.of("Opened", "{}"), EventData.of("Deposited", "{}"));
    t.store.append("order-1", ExpectedVersion.ANY, EventData.of("Placed", "{}"));
    t.store.append("accountant-1", ExpectedVersion.ANY, EventData.of("Hired", "{}"));
    t.store.append("$snap-1", ExpectedVersion.ANY, EventData.of("Snap", "{}"));
    assertThat(streams(t.get("/all").json())).containsExactly("account-1", "account-1", "order-1", "accountant-1");
    assertThat(streams(t.get("/all?category=account").json())).containsExactly("account-1", "account-1");
    assertThat(streams(t.get("/all?prefix=account").json())).containsExactly("account-1", "account-1", "accountant-1");
    assertThat(streams(t.get("/all?types=Placed,Hired").json())).containsExactly("order-1", "accountant-1");
    assertThat(streams(t.get("/all?system=true").json())).contains("$snap-1");
    JsonNode page = t.get("/all?limit=2").json();
    assertThat(page.get("next").asLong()).isEqualTo(3);
    JsonNode back = t.get("/all?direction=backward&limit=1").json();
    assertThat(back.get("events").get(0).get("stream").asText()).isEqualTo("accountant-1");
  }

  private static List<String> streams(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("stream").asText()));
    return out;
  }

  @Test
  void known_at_keeps_the_events_recorded_by_then_in_version_order() throws Exception {
    t.store.append("acct-1", ExpectedVersion.ANY, EventData.of("A", "1"), EventData.of("B", "2"));
    Instant between = clock.advance(TICK);
    clock.advance(TICK);
    t.store.append("acct-1", ExpectedVersion.ANY, EventData.of("C", "3"));
    JsonNode r = t.get("/streams/acct-1?knownAt=" + between).json();
    assertThat(types(r)).containsExactly("A", "B");
    assertThat(types(t.get("/streams/acct-1?knownAt=" + between + "&direction=backward").json())).containsExactly("B", "A");
    assertThat(types(t.get("/streams/acct-1?knownAt=" + Instant.now()).json())).containsExactly("A", "B", "C");
  }

  @Test
  void valid_at_orders_by_effective_time_and_drops_revoked_events_known_by_then() throws Exception {
    Instant jan = Instant.parse("2026-01-01T00:00:00Z");
    Instant feb = Instant.parse("2026-02-01T00:00:00Z");
    Instant mar = Instant.parse("2026-03-01T00:00:00Z");
    EventData salaryFeb = EventData.of("Salary", "2000").withEffectiveAt(feb);
    t.store.append("emp-1", ExpectedVersion.ANY, EventData.of("Hired", "{}").withEffectiveAt(jan), salaryFeb);
    Instant beforeCorrection = clock.advance(TICK);
    clock.advance(TICK);
    EventData correction = EventData.of("Salary", "2100").withEffectiveAt(jan)
        .withMetadata(Json.of("{\"revokes\":[\"" + salaryFeb.id() + "\"]}"));
    t.store.append("emp-1", ExpectedVersion.ANY, correction, EventData.of("Raise", "{}").withEffectiveAt(mar));
    JsonNode now = t.get("/streams/emp-1?validAt=" + feb).json();
    assertThat(ids(now)).containsExactly(now.get("events").get(0).get("id").asText(), correction.id().toString());
    assertThat(types(now)).containsExactly("Hired", "Salary");
    assertThat(now.get("events").get(1).get("version").asLong()).isEqualTo(3);
    JsonNode then = t.get("/streams/emp-1?validAt=" + feb + "&knownAt=" + beforeCorrection).json();
    assertThat(ids(then)).endsWith(salaryFeb.id().toString()).hasSize(2);
    JsonNode paged = t.get("/streams/emp-1?validAt=" + mar + "&limit=2").json();
    assertThat(types(paged)).containsExactly("Hired", "Salary");
    assertThat(paged.get("next").asLong()).isEqualTo(3);
    assertThat(types(t.get("/streams/emp-1?validAt=" + mar + "&from=3").json())).containsExactly("Raise");
  }

  private static List<String> types(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("type").asText()));
    return out;
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("id").asText()));
    return out;
  }

  @Test
  void audit_finds_events_by_actor_and_correlation_id_within_a_time_range() throws Exception {
    t.store.append("a-1", ExpectedVersion.ANY, EventData.of("T", "1").withMetadata(Json.of("{\"actor\":\"ann\",\"correlationId\":\"c1\"}")));
    t.store.append("b-1", ExpectedVersion.ANY, EventData.of("T", "2").withMetadata(Json.of("{\"actor\":\"bob\",\"correlationId\":\"c1\"}")));
    Instant later = clock.advance(TICK);
    clock.advance(TICK);
    t.store.append("a-1", ExpectedVersion.ANY, EventData.of("T", "3").withMetadata(Json.of("{\"actor\":\"ann\"}")));
    assertThat(data(t.get("/audit?actor=ann").json())).containsExactly("1", "3");
    assertThat(data(t.get("/audit?correlationId=c1").json())).containsExactly("1", "2");
    assertThat(data(t.get("/audit?actor=ann&since=" + later).json())).containsExactly("3");
    assertThat(data(t.get("/audit?actor=ann&until=" + later).json())).containsExactly("1");
    JsonNode paged = t.get("/audit?actor=ann&limit=1").json();
    assertThat(data(paged)).containsExactly("1");
    assertThat(data(t.get("/audit?actor=ann&limit=1&from=" + paged.get("next").asLong()).json())).containsExactly("3");
  }

  private static List<String> data(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("data").toString()));
    return out;
  }

  @Test
  void import_writes_events_with_their_original_recorded_time_marked_imported() {
    String body = "{\"events\":[{\"stream\":\"legacy-1\",\"type\":\"Opened\",\"data\":{},\"recordedAt\":\"2025-01-01T10:00:00Z\"},"
        + "{\"stream\":\"legacy-2\",\"type\":\"Opened\",\"data\":{},\"metadata\":{\"actor\":\"old\"},\"recordedAt\":\"2025-01-02T10:00:00.000001Z\"}]}";
    TestServer.Reply r = t.post("/admin/import", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("count").asInt()).isEqualTo(2);
    assertThat(r.json().get("lastPosition").asLong()).isEqualTo(2);
    JsonNode e = t.get("/streams/legacy-2").json().get("events").get(0);
    assertThat(e.get("recordedAt").asText()).isEqualTo("2025-01-02T10:00:00.000001Z");
    assertThat(e.get("metadata").get("imported").asBoolean()).isTrue();
    assertThat(e.get("metadata").get("actor").asText()).isEqualTo("old");
  }

  @Test
  void verify_reports_ok_with_the_event_count() {
    t.store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "1"), EventData.of("T", "2"));
    JsonNode r = t.post("/admin/verify", "").json();
    assertThat(r.get("ok").asBoolean()).isTrue();
    assertThat(r.get("events").asLong()).isEqualTo(2);
    assertThat(r.get("headHash").isNull()).isTrue();
    assertThat(r.get("problems")).isEmpty();
  }

  @Test
  void head_and_position_at_answer_for_the_client() throws Exception {
    t.store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "1"));
    Instant mid = clock.advance(TICK);
    assertThat(t.get("/head").json().get("head").asLong()).isEqualTo(1);
    assertThat(t.get("/position?at=" + mid).json().get("position").asLong()).isEqualTo(2);
    assertThat(t.get("/position?at=2000-01-01T00:00:00Z").json().get("position").asLong()).isEqualTo(1);
  }

  @Test
  void health_is_ok_and_metrics_are_prometheus_text_with_append_rate_latency_and_subscribers() {
    t.post("/streams/s-1", append("\"any\"", events("T", "1")));
    TestServer.Reply h = t.get("/health");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.json().get("status").asText()).isEqualTo("ok");
    TestServer.Reply m = t.get("/metrics");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(m.body()).contains("annals_append_events_total 1.0")
        .contains("annals_append_latency_seconds_bucket")
        .contains("annals_subscribers ")
        .contains("annals_subscription_lag_events ")
        .as("the in-memory store does not fsync").doesNotContain("annals_fsync");
  }

  @Test
  void every_route_of_the_design_is_declared() {
    // design §6, then the documented additions (docs/http-api.md); nothing else is served
    assertThat(t.server.routes()).containsExactlyInAnyOrder(
        "POST /streams/{stream}", "GET /streams/{stream}", "GET /streams/{stream}/state", "GET /all",
        "GET /subscribe/all", "GET /subscribe/streams/{stream}", "GET /audit", "POST /admin/verify",
        "POST /admin/import", "GET /health", "GET /metrics", "GET /projections", "GET /projections/{name}",
        "GET /projections/{name}/{query}", "POST /projections/{name}/rebuild", "POST /projections/{name}/promote",
        "POST /commands/{module}/{command}", "GET /",
        "GET /streams", "GET /head", "GET /position", "GET /console/{file}");
  }
}
