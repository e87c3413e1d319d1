package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.server.auth.Access;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route × every role and prefix rule (see {@link Access}): allowed gets its 2xx, denied gets
 * 401 (no or unknown key) or 403 (known key, not allowed), and a reserved {@code $} name is a 400 for
 * anyone but an admin.
 */
class PermissionMatrixTest {

  static final Map<String, String> KEYS = new LinkedHashMap<>();
  static TestServer t;

  static {
    KEYS.put("admin", "k-admin-0123456789abcdef");
    KEYS.put("writer*", "k-writer-all-0123456789");
    KEYS.put("writerAcct", "k-writer-acct-012345678");
    KEYS.put("reader*", "k-reader-all-0123456789");
    KEYS.put("readerAcct", "k-reader-acct-012345678");
  }

  @BeforeAll
  static void start() throws Exception {
    String file = String.join("\n",
        "# test keys",
        ApiKeys.line(KEYS.get("admin"), Role.ADMIN, "*", "ops"),
        ApiKeys.line(KEYS.get("writer*"), Role.WRITER, "*", "all-writer"),
        ApiKeys.line(KEYS.get("writerAcct"), Role.WRITER, "account-", "account-writer"),
        ApiKeys.line(KEYS.get("reader*"), Role.READER, "*", "dashboards"),
        ApiKeys.line(KEYS.get("readerAcct"), Role.READER, "account-,ledger-", "account-reader"));
    t = new TestServer(ServerConfig.defaults().withPort(0).withApiKeys(ApiKeys.parse(file, "test")),
        List.of(new LedgerModule()));
    t.store.append("account-1", ExpectedVersion.ANY, EventData.of("Opened", "{}"));
    t.store.append("order-1", ExpectedVersion.ANY, EventData.of("Placed", "{}"));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  /** One route call and the status each caller gets; "none" is no key, "bogus" an unknown key. */
  record Row(String method, String path, Supplier<Optional<String>> body, Map<String, Integer> expected) {}

  static Map<String, Integer> statuses(int admin, int writerAll, int writerAcct, int readerAll, int readerAcct,
      int none) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("admin", admin);
    m.put("writer*", writerAll);
    m.put("writerAcct", writerAcct);
    m.put("reader*", readerAll);
    m.put("readerAcct", readerAcct);
    m.put("none", none);
    m.put("bogus", none);
    return m;
  }

  static Supplier<Optional<String>> body(String json) {
    return () -> Optional.of(json);
  }

  static final Supplier<Optional<String>> NONE = Optional::empty;
  static final String EVENT = "{\"events\":[{\"type\":\"T\",\"data\":{}}]}";

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("POST", "/streams/account-2", body(EVENT), statuses(200, 200, 200, 403, 403, 401)));
    rows.add(new Row("POST", "/streams/order-2", body(EVENT), statuses(200, 200, 403, 403, 403, 401)));
    rows.add(new Row("POST", "/streams/$system-1", body(EVENT), statuses(200, 400, 400, 400, 400, 401)));
    rows.add(new Row("GET", "/streams/account-1", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/streams", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/streams?prefix=account-", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/streams?prefix=order-", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/streams/order-1", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/streams/$system-1", NONE, statuses(200, 400, 400, 400, 400, 401)));
    // the state route checks the stream's read rights first: only a caller who may read it learns that
    // no module folds its category (404)
    rows.add(new Row("GET", "/streams/order-1/state", NONE, statuses(404, 404, 403, 404, 403, 401)));
    rows.add(new Row("GET", "/streams/$system-1/state", NONE, statuses(404, 400, 400, 400, 400, 401)));
    rows.add(new Row("GET", "/all", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/all?prefix=account-1", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/all?prefix=ledger-", NONE, statuses(200, 200, 403, 200, 200, 401)));
    rows.add(new Row("GET", "/all?prefix=acc", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/all?system=true", NONE, statuses(200, 403, 403, 403, 403, 401)));
    rows.add(new Row("GET", "/subscribe/all?from=1", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/subscribe/all?from=1&prefix=account-", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/subscribe/streams/account-1?from=1", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/subscribe/streams/order-1?from=1", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("GET", "/audit", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("POST", "/admin/verify", NONE, statuses(200, 403, 403, 403, 403, 401)));
    rows.add(new Row("POST", "/admin/import", () -> Optional.of("{\"events\":[{\"stream\":\"imp-1\",\"type\":\"T\",\"data\":1,"
        + "\"recordedAt\":\"" + Instant.now().truncatedTo(ChronoUnit.MICROS) + "\"}]}"),
        statuses(200, 403, 403, 403, 403, 401)));
    rows.add(new Row("GET", "/metrics", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/head", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/position?at=2020-01-01T00:00:00Z", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/health", NONE, statuses(200, 200, 200, 200, 200, 200)));
    // The module host (LedgerModule): status for any key, read models for keys covering all streams,
    // rebuild and promote for admins (an unknown name, so the admin's 404 leaves nothing running),
    // commands for writers covering the stream they write.
    rows.add(new Row("GET", "/projections", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/projections/ledger_totals", NONE, statuses(200, 200, 200, 200, 200, 401)));
    rows.add(new Row("GET", "/projections/ledger_totals/rows", NONE, statuses(200, 200, 403, 200, 403, 401)));
    rows.add(new Row("POST", "/projections/nope/rebuild", NONE, statuses(404, 403, 403, 403, 403, 401)));
    rows.add(new Row("POST", "/projections/nope/promote", NONE, statuses(404, 403, 403, 403, 403, 401)));
    rows.add(new Row("POST", "/commands/ledger/credit", body("{\"ledgerId\":\"9\",\"amount\":5}"),
        statuses(200, 200, 403, 403, 403, 401)));
    return rows;
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (Row r : rows()) {
      for (Map.Entry<String, Integer> e : r.expected().entrySet()) {
        out.add(Arguments.of(r.method() + " " + r.path() + " as " + e.getKey(), r, e.getKey(), e.getValue()));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void each_caller_gets_what_the_rules_say(String name, Row row, String caller, int expected) throws Exception {
    Optional<String> key = switch (caller) {
      case "none" -> Optional.empty();
      case "bogus" -> Optional.of("not-a-key-at-all");
      default -> Optional.of(KEYS.get(caller));
    };
    long headBefore = t.store.headPosition();
    int status;
    String body;
    if (row.path().startsWith("/subscribe/")) {
      HttpRequest.Builder b = HttpRequest.newBuilder(t.uri(row.path()));
      key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
      HttpResponse<InputStream> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      body = status == 200 ? "" : new String(r.body().readAllBytes());
      r.body().close();
    } else {
      TestServer.Reply r = t.send(row.method(), row.path(), row.body().get(), key);
      status = r.status();
      body = r.body();
    }
    assertThat(status).as(body).isEqualTo(expected);
    if (expected == 401) {
      assertThat(body).contains("\"error\":\"unauthorized\"");
    } else if (expected == 403) {
      assertThat(body).contains("\"error\":\"forbidden\"");
    } else if (expected == 400) {
      assertThat(body).contains("reserved for the system");
    }
    if (expected != 200) {
      assertThat(t.store.headPosition()).isEqualTo(headBefore);
    }
  }

  @Test
  void a_missing_key_is_answered_with_a_bearer_challenge() {
    TestServer.Reply r = t.get("/all");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(t.send("GET", "/all", Optional.empty(), Optional.of("")).status()).isEqualTo(401);
  }
}
