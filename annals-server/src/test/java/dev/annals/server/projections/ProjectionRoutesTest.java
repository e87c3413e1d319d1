package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.MutableClock;
import dev.annals.server.AnnalsServer;
import dev.annals.server.LedgerModule;
import dev.annals.server.ServerConfig;
import dev.annals.server.TestServer;
import dev.annals.server.http.WireJson;
import dev.annals.server.verify.ScanVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The projection routes over the test {@link LedgerModule}: status with its exact fields, rebuild to
 * the next version, compare, promote, the query routes, lag in {@code /metrics}, and every refusal.
 */
class ProjectionRoutesTest {

  static final String P = "/projections/ledger_totals";
  /** Time moves only by hand; it starts in the past so a real "now" is later than every event. */
  final MutableClock clock = new MutableClock(java.time.Instant.now().minus(Duration.ofHours(1)));
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0), List.of(new LedgerModule()), clock);
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  private void credit(String ledger, long amount) {
    t.store.append("ledger-" + ledger, ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":" + amount + "}"));
  }

  private void debit(String ledger, long amount) {
    t.store.append("ledger-" + ledger, ExpectedVersion.ANY, EventData.of("Debited", "{\"amount\":" + amount + "}"));
  }

  private void awaitLive() throws InterruptedException {
    assertThat(t.server.projections().awaitPosition("ledger_totals", t.store.headPosition(), Duration.ofSeconds(30)))
        .isTrue();
  }

  /** Polls the status until the rebuild has {@code status} (and, if asked, its comparison, computed in the background). */
  private JsonNode awaitRebuild(String status, boolean compared) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode p = t.get(P).json();
      if (p.path("rebuild").path("status").asText().equals(status)
          && (!compared || p.path("rebuild").path("comparison").isObject())) {
        return p;
      }
      assertThat(System.nanoTime()).as("rebuild status " + status + "; last: " + p).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void the_list_shows_each_projection_with_exactly_the_documented_fields() throws Exception {
    credit("a", 5);
    awaitLive();

    TestServer.Reply r = t.get("/projections");

    assertThat(r.status()).isEqualTo(200);
    JsonNode p = r.json().path("projections").get(0);
    assertThat(p.properties().stream().map(Map.Entry::getKey).toList()).containsExactly("name", "version", "nextVersion",
        "status", "live", "position", "head", "lagEvents", "lagSeconds", "parked", "lastError", "runningOn", "rebuild");
    assertThat(p.path("name").asText()).isEqualTo("ledger_totals");
    assertThat(p.path("version").asInt()).isEqualTo(1);
    assertThat(p.path("nextVersion").asInt()).isEqualTo(2);
    assertThat(p.path("status").asText()).isEqualTo("running");
    assertThat(p.path("live").asBoolean()).isTrue();
    assertThat(p.path("position").asLong()).isEqualTo(1);
    assertThat(p.path("head").asLong()).isEqualTo(1);
    assertThat(p.path("lagEvents").asLong()).isZero();
    assertThat(p.path("lagSeconds").isNumber()).isTrue();
    assertThat(p.path("lastError").isNull()).isTrue();
    assertThat(p.path("runningOn").asText()).as("one server: this one runs it").matches("127\\.0\\.0\\.1:\\d+");
    assertThat(p.path("rebuild").isNull()).isTrue();
    assertThat(t.get(P).json()).isEqualTo(p);
  }

  @Test
  void an_unknown_projection_or_query_is_not_found_and_bad_query_parameters_are_invalid() {
    assertThat(t.get("/projections/nope").status()).isEqualTo(404);
    assertThat(t.get("/projections/nope").error()).isEqualTo("not_found");
    assertThat(t.get(P + "/nope").json().path("message").asText()).contains("no query 'nope'", "rows");
    assertThat(t.get("/projections/nope/rows").status()).isEqualTo(404);
    TestServer.Reply bad = t.get(P + "/rows?colour=red");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("message").asText()).contains("unknown parameter 'colour'");
    assertThat(t.get(P + "/rows?stream=ledger-none").status()).isEqualTo(404);
    assertThat(t.get("/projections?x=1").status()).isEqualTo(400);
  }

  private RecordedEvent appendOne(String stream, EventData e) {
    clock.advance(Duration.ofMillis(1)); // a recordedAt of its own: knownAt below names one event exactly
    long position = t.store.append(stream, ExpectedVersion.ANY, e).lastPosition();
    return t.store.readAll(position, Direction.FORWARD, 1, Filter.everything()).events().getFirst();
  }

  private static String q(java.time.Instant i) {
    return java.net.URLEncoder.encode(WireJson.instant(i), java.nio.charset.StandardCharsets.UTF_8);
  }

  private Map<String, Long> rows(TestServer.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, Long> m = new HashMap<>();
    r.json().path("rows").forEach(row -> m.put(row.path("stream").asText(), row.path("total").asLong()));
    return m;
  }

  @Test
  void min_position_answers_once_the_read_model_applied_it_and_says_when_it_has_not() throws Exception {
    credit("a", 10);
    t.store.append("other-1", ExpectedVersion.ANY, EventData.of("Noted", "{}")); // outside the projection's filter
    long head = t.store.headPosition();
    assertThat(rows(t.get(P + "/rows?minPosition=" + head + "&wait=10s"))).isEqualTo(Map.of("ledger-a", 10L));
    credit("a", 5);
    assertThat(rows(t.get(P + "/rows?minPosition=" + t.store.headPosition())))
        .as("the answer waits for the credit just made").isEqualTo(Map.of("ledger-a", 15L));

    TestServer.Reply bad = t.get(P + "/rows?minPosition=x");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("message").asText()).contains("minPosition must be a position");
    assertThat(t.get(P + "/rows?minPosition=99").json().path("message").asText()).contains("past the log's head");
    assertThat(t.get(P + "/rows?minPosition=1&wait=1h").json().path("message").asText()).contains("wait must be");
    assertThat(t.get(P + "/rows?minPosition=1&wait=31s").json().path("message").asText()).contains("at most 30s");
    assertThat(t.get(P + "/rows?wait=1s").json().path("message").asText()).contains("wait goes with minPosition");
    assertThat(t.get(P + "/rows?minPosition=1&position=1").json().path("message").asText()).contains("one or the other");
  }

  /**
   * The three questions of design §4 asked of a projection: at a position, known at T, valid at V (as
   * known at T). A correction dated into the past counts where it took effect, and a revocation from
   * another category's stream (outside the projection's filter) voids the credit it names.
   */
  @Test
  void a_query_answers_at_a_position_known_at_and_valid_at_a_past_moment() throws Exception {
    RecordedEvent e1 = appendOne("ledger-a", EventData.of("Credited", "{\"amount\":10}"));
    RecordedEvent e2 = appendOne("ledger-a", EventData.of("Credited", "{\"amount\":20}"));
    RecordedEvent e3 = appendOne("ledger-b", EventData.of("Credited", "{\"amount\":5}")
        .withEffectiveAt(java.time.Instant.parse("2020-01-01T00:00:00Z")));
    RecordedEvent e4 = appendOne("corrections-1", EventData.of("Revoked", "{}")
        .withMetadata(dev.annals.core.Json.of("{\"revokes\":[\"" + e2.id() + "\"]}")));
    appendOne("ledger-a", EventData.of("Credited", "{\"amount\":1}"));
    awaitLive();
    assertThat(rows(t.get(P + "/rows"))).isEqualTo(Map.of("ledger-a", 31L, "ledger-b", 5L));

    TestServer.Reply at2 = t.get(P + "/rows?position=" + e2.position());
    assertThat(rows(at2)).isEqualTo(Map.of("ledger-a", 30L));
    assertThat(at2.raw().headers().firstValue("Annals-As-Of-Position")).hasValue(Long.toString(e2.position()));
    assertThat(at2.raw().headers().firstValue("Annals-As-Of-Applied")).hasValue("2");
    assertThat(rows(t.get(P + "/rows?position=0"))).isEmpty();
    assertThat(rows(t.get(P + "/rows?knownAt=" + q(e1.recordedAt())))).isEqualTo(Map.of("ledger-a", 10L));
    assertThat(rows(t.get(P + "/rows?knownAt=" + q(e3.recordedAt())))).isEqualTo(Map.of("ledger-a", 30L, "ledger-b", 5L));
    // valid at 2021: only the credit dated 2020 was in effect
    assertThat(rows(t.get(P + "/rows?validAt=2021-01-01T00:00:00Z"))).isEqualTo(Map.of("ledger-b", 5L));
    // valid now, as known now: the revoked credit of 20 is gone
    java.time.Instant now = java.time.Instant.now();
    assertThat(rows(t.get(P + "/rows?validAt=" + q(now)))).isEqualTo(Map.of("ledger-a", 11L, "ledger-b", 5L));
    // valid now, as known before the revocation was recorded
    assertThat(rows(t.get(P + "/rows?validAt=" + q(now) + "&knownAt=" + q(e4.recordedAt().minusNanos(1000)))))
        .isEqualTo(Map.of("ledger-a", 30L, "ledger-b", 5L));
    // the module's own parameters pass through
    assertThat(rows(t.get(P + "/rows?validAt=" + q(now) + "&stream=ledger-a"))).isEqualTo(Map.of("ledger-a", 11L));

    assertThat(t.get(P + "/rows?position=-1").json().path("message").asText()).contains("position must be >= 0");
    assertThat(t.get(P + "/rows?position=99").json().path("message").asText()).contains("past the log's head");
    assertThat(t.get(P + "/rows?position=1&knownAt=" + q(now)).json().path("message").asText()).contains("not both");
    assertThat(t.get(P + "/rows?knownAt=yesterday").status()).isEqualTo(400);
    assertThat(t.get(P + "/nope?knownAt=" + q(now)).status()).isEqualTo(404);

    // the live read model is untouched, and only the kept builds of final moments remain (AsOfCacheTest)
    assertThat(rows(t.get(P + "/rows"))).isEqualTo(Map.of("ledger-a", 31L, "ledger-b", 5L));
    try (var files = java.nio.file.Files.list(t.server.projections().databaseDir().orElseThrow())) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("as-of-")).toList())
          .isNotEmpty().hasSizeLessThanOrEqualTo(AsOfQueries.KEPT);
    }
  }

  /**
   * An event the projection fails on is left out of an as-of answer, never silently: the
   * Annals-As-Of-Parked header names it, and the build does not spend the retry back-off on it.
   */
  @Test
  void an_as_of_answer_names_the_events_the_projection_failed_on() throws Exception {
    credit("a", 10);
    t.store.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":\"oops\"}"));
    credit("a", 5);
    long t0 = System.nanoTime();
    TestServer.Reply r = t.get(P + "/rows?position=3");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(rows(r)).isEqualTo(Map.of("ledger-a", 15L));
    assertThat(r.raw().headers().firstValue("Annals-As-Of-Parked")).hasValue("2");
    assertThat(r.raw().headers().firstValue("Annals-As-Of-Applied")).hasValue("2");
    assertThat(t.get(P + "/rows?position=1").raw().headers().firstValue("Annals-As-Of-Parked")).isEmpty();
  }

  @Test
  void wrong_methods_are_refused_with_the_allowed_ones() {
    TestServer.Reply r = t.send("GET", P + "/rebuild", Optional.empty(), Optional.empty());
    assertThat(r.status()).isEqualTo(404); // a GET there is a query route, and there is no query named rebuild
    TestServer.Reply put = t.send("PUT", P, Optional.of("{}"), Optional.empty());
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.raw().headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(t.send("POST", P + "/rows", Optional.of("{}"), Optional.empty()).status()).isEqualTo(405);
    assertThat(t.send("DELETE", "/projections", Optional.empty(), Optional.empty()).status()).isEqualTo(405);
  }

  @Test
  void a_rebuild_builds_the_next_version_beside_the_live_one_and_promotion_switches_to_it() throws Exception {
    credit("a", 1000);
    debit("a", 1);
    credit("b", 2000);
    awaitLive();
    assertThat(t.get(P + "/rows?stream=ledger-a").json().path("rows").get(0).path("total").asLong()).isEqualTo(1000);

    TestServer.Reply started = t.post(P + "/rebuild", "");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().path("version").asInt()).isEqualTo(1);
    assertThat(started.json().path("rebuild").path("version").asInt()).isEqualTo(2);

    JsonNode ready = awaitRebuild("ready", true);
    JsonNode rebuild = ready.path("rebuild");
    assertThat(rebuild.properties().stream().map(Map.Entry::getKey).toList()).containsExactly("version", "status",
        "eventsDone", "eventsToGo", "eventsPerSecond", "etaSeconds", "caughtUp", "comparison");
    assertThat(rebuild.path("caughtUp").asBoolean()).isTrue();
    assertThat(rebuild.path("eventsToGo").asLong()).isZero();
    JsonNode table = rebuild.path("comparison").path("tables").get(0);
    assertThat(rebuild.path("comparison").path("identical").asBoolean()).isFalse();
    assertThat(table.path("table").asText()).isEqualTo("totals");
    assertThat(table.path("liveRows").asLong()).isEqualTo(2);
    assertThat(table.path("shadowRows").asLong()).isEqualTo(2);
    assertThat(table.path("onlyInLive").toString()).contains("ledger-a", "1000");
    assertThat(table.path("onlyInShadow").toString()).contains("ledger-a", "999");
    // Still served by v1 until promoted.
    assertThat(t.get(P + "/rows?stream=ledger-a").json().path("rows").get(0).path("total").asLong()).isEqualTo(1000);

    TestServer.Reply again = t.post(P + "/rebuild", "");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().path("message").asText()).contains("a rebuild of ledger_totals to version 2 is already running");

    TestServer.Reply refused = t.post(P + "/promote", "{\"requireIdentical\": true}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().path("message").asText()).contains("differs", "requireIdentical");
    assertThat(t.get(P).json().path("version").asInt()).isEqualTo(1);

    TestServer.Reply promoted = t.post(P + "/promote", "");
    assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
    assertThat(promoted.json().path("version").asInt()).isEqualTo(2);
    assertThat(promoted.json().path("nextVersion").isNull()).isTrue();
    assertThat(promoted.json().path("rebuild").path("status").asText()).isEqualTo("promoted");
    assertThat(promoted.json().path("rebuild").path("comparison").path("identical").asBoolean()).isFalse();
    assertThat(t.get(P + "/rows?stream=ledger-a").json().path("rows").get(0).path("total").asLong()).isEqualTo(999);

    TestServer.Reply none = t.post(P + "/rebuild", "");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().path("message").asText()).contains("has no next version");
    assertThat(t.post(P + "/promote", "").json().path("message").asText()).contains("no rebuild of ledger_totals is running");
  }

  @Test
  void promote_without_a_rebuild_or_with_a_bad_body_is_refused() {
    TestServer.Reply withBody = t.post(P + "/rebuild", "{\"x\":1}");
    assertThat(withBody.status()).as(withBody.body()).isEqualTo(400);
    assertThat(withBody.json().path("message").asText()).contains("takes no request body");
    TestServer.Reply r = t.post(P + "/promote", "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).contains("no rebuild", "POST /projections/ledger_totals/rebuild");
    t.post(P + "/rebuild", "");
    assertThat(t.post(P + "/promote", "{\"requireIdentical\": ").json().path("message").asText()).contains("malformed JSON");
    assertThat(t.post(P + "/promote", "{\"force\": true}").json().path("message").asText()).contains("unknown field 'force'");
    assertThat(t.post(P + "/promote", "{\"requireIdentical\": 1}").json().path("message").asText()).contains("true or false");
    assertThat(t.post(P + "/promote", "[]").status()).isEqualTo(400);
    TestServer.Reply twice = t.post(P + "/promote", "{\"requireIdentical\":true,\"requireIdentical\":false}");
    assertThat(twice.status()).as(twice.body()).isEqualTo(400);
    assertThat(twice.json().path("message").asText()).contains("Duplicate field 'requireIdentical'");
    assertThat(t.get(P).json().path("version").asInt()).isEqualTo(1);
  }

  @Test
  void queries_are_answered_by_the_live_version_throughout_a_rebuild_under_appends_and_equal_a_fold_after()
      throws Exception {
    // Credits of 1000, debits of 1: v1 (credits only) totals are multiples of 1000, v2's are not.
    for (int i = 0; i < 300; i++) {
      credit("l" + (i % 7), 1000);
      debit("l" + (i % 7), 1);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread writer = Thread.ofVirtual().start(() -> {
      try {
        for (int i = 0; !stop.get() && i < 600; i++) {
          String body = "{\"ledgerId\":\"l" + (i % 7) + "\",\"amount\":" + (i % 2 == 0 ? 1000 : 1) + "}";
          TestServer.Reply r = t.post("/commands/ledger/" + (i % 2 == 0 ? "credit" : "debit"), body);
          if (r.status() != 200) {
            throw new AssertionError(r.toString());
          }
        }
      } catch (Throwable e) {
        failed.set(e);
      }
    });
    assertThat(t.post(P + "/rebuild", "").status()).isEqualTo(202);
    int answered = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    boolean ready = false;
    while (answered < 30 || (!ready && writer.isAlive())) {
      ready = t.get(P).json().path("rebuild").path("status").asText().equals("ready");
      TestServer.Reply rows = t.get(P + "/rows");
      assertThat(rows.status()).isEqualTo(200);
      for (JsonNode row : rows.json().path("rows")) {
        assertThat(row.path("total").asLong() % 1000).as("served by v1: " + row).isZero();
      }
      answered++;
      assertThat(System.nanoTime()).isLessThan(deadline);
    }
    TestServer.Reply promoted = t.post(P + "/promote", "");
    assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
    stop.set(true);
    writer.join();
    assertThat(failed.get()).isNull();
    awaitLive();

    Map<String, Long> fold = new HashMap<>();
    for (RecordedEvent e : all()) {
      long amount = TestServer.MAPPER.readTree(e.data().toString()).path("amount").asLong();
      fold.merge(e.stream(), e.type().equals("Credited") ? amount : -amount, Long::sum);
    }
    Map<String, Long> served = new HashMap<>();
    t.get(P + "/rows").json().path("rows").forEach(r -> served.put(r.path("stream").asText(), r.path("total").asLong()));
    assertThat(served).isEqualTo(fold);
  }

  private List<RecordedEvent> all() {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page page = t.store.readAll(from, Direction.FORWARD, 10_000, Filter.all());
      out.addAll(page.events());
      if (page.end()) {
        return out;
      }
      from = page.next();
    }
  }

  @Test
  void a_promoted_version_stays_live_after_a_restart_on_the_same_directory(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    credit("a", 1000);
    debit("a", 1);
    try (AnnalsServer first = new AnnalsServer(t.store, ServerConfig.defaults().withPort(0), new ScanVerifier(t.store, true),
        List.of(new LedgerModule()), Optional.of(dir)).start()) {
      first.projections().rebuild("ledger_totals");
      assertThat(first.projections().awaitRebuildCaughtUp("ledger_totals", Duration.ofSeconds(30))).isTrue();
      assertThat(first.projections().promote("ledger_totals", false).version()).isEqualTo(2);
    }
    debit("a", 1);
    try (AnnalsServer second = new AnnalsServer(t.store, ServerConfig.defaults().withPort(0),
        new ScanVerifier(t.store, true), List.of(new LedgerModule()), Optional.of(dir)).start()) {
      assertThat(second.projections().awaitPosition("ledger_totals", t.store.headPosition(), Duration.ofSeconds(30)))
          .isTrue();
      ProjectionSnapshot v = second.projections().status("ledger_totals");
      assertThat(v.version()).isEqualTo(2);
      assertThat(second.projections().query("ledger_totals", "rows", java.util.Map.of()).path("rows").get(0)
          .path("total").asLong()).isEqualTo(998);
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> second.projections().rebuild("ledger_totals")))
          .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("no next version");
    }
  }

  @Test
  void metrics_show_each_projections_lag_in_events_and_seconds() throws Exception {
    credit("a", 1);
    awaitLive();
    String metrics = t.get("/metrics").body();
    assertThat(metrics).contains("annals_projection_lag_events{projection=\"ledger_totals\"} 0.0");
    assertThat(metrics).contains("annals_projection_lag_seconds{projection=\"ledger_totals\"}");
  }
}
