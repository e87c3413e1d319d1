package dev.annals.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.annals.core.InMemoryEventStore;
import dev.annals.cqrs.StateQueries;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.BankModule;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bank module hosted by a real server: its commands over HTTP, and its read models queried over
 * HTTP agree with folds of the stored events.
 */
class BankOverHttpTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final InMemoryEventStore store = new InMemoryEventStore();
  final HttpClient http = HttpClient.newHttpClient();
  AnnalsServer server;

  record Reply(int status, JsonNode body) {}

  @BeforeEach
  void start() throws Exception {
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true),
        List.of(new BankModule())).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    store.close();
    http.close();
  }

  Reply call(String method, String path, Optional<String> body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
        .method(method, body.map(HttpRequest.BodyPublishers::ofString).orElse(HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  Reply command(String name, String body) throws Exception {
    return call("POST", "/commands/bank/" + name, Optional.of(body));
  }

  JsonNode ok(String name, String body) throws Exception {
    Reply r = command(name, body);
    assertThat(r.status()).as(name + " " + r.body()).isEqualTo(200);
    return r.body();
  }

  long foldedBalance(String accountId) {
    return new StateQueries<>(store, BankCodecs.accounts(), AccountDecider.decider().fold())
        .stateAt(AccountDecider.stream(accountId), store.streamVersion(AccountDecider.stream(accountId))).balance();
  }

  @Test
  void every_bank_command_runs_over_http_and_the_read_models_agree_with_the_folds() throws Exception {
    ok("open-account", "{\"accountId\":\"a\",\"owner\":\"Ada\"}");
    ok("open-account", "{\"accountId\":\"b\",\"owner\":\"Bob\"}");
    ok("deposit", "{\"accountId\":\"a\",\"amount\":10000}");
    ok("withdraw", "{\"accountId\":\"a\",\"amount\":1500}");
    UUID feeId = UUID.randomUUID();
    JsonNode fee = ok("charge-fee", "{\"accountId\":\"a\",\"feeId\":\"" + feeId + "\",\"kind\":\"monthly\",\"amount\":300}");
    String feeEventId = fee.path("events").get(0).path("id").asText();
    Instant feeAt = Instant.parse(fee.path("events").get(0).path("effectiveAt").asText());
    JsonNode reversal = ok("reverse-fee", "{\"accountId\":\"a\",\"feeId\":\"" + feeId + "\",\"feeEventId\":\"" + feeEventId
        + "\",\"effectiveAt\":\"" + feeAt + "\"}");
    assertThat(reversal.path("events").get(0).path("metadata").path("revokes").get(0).asText()).isEqualTo(feeEventId);
    JsonNode transfer = ok("transfer", "{\"transferId\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":2000}");
    assertThat(transfer.path("stream").asText()).isEqualTo("transfer-t1");
    assertThat(transfer.path("state").path("case").asText()).isEqualTo("Completed");
    ok("place-order", "{\"orderId\":\"o1\",\"accountId\":\"b\",\"item\":\"book\",\"amount\":1200}");
    ok("cancel-order", "{\"orderId\":\"o1\",\"reason\":\"changed my mind\"}");

    Reply overdraw = command("withdraw", "{\"accountId\":\"b\",\"amount\":999999}");
    assertThat(overdraw.status()).isEqualTo(400);
    assertThat(overdraw.body().path("reason").asText()).isNotBlank();
    assertThat(command("deposit", "{\"accountId\":\"a\"}").status()).isEqualTo(400);

    assertThat(server.projections().awaitPosition(BankProjections.BALANCES, store.headPosition(), Duration.ofSeconds(30)))
        .isTrue();
    assertThat(server.projections().awaitPosition(BankProjections.STATEMENTS, store.headPosition(), Duration.ofSeconds(30)))
        .isTrue();
    assertThat(server.projections().awaitPosition(BankProjections.ORDERS, store.headPosition(), Duration.ofSeconds(30)))
        .isTrue();
    for (String account : List.of("a", "b")) {
      Reply row = call("GET", "/projections/bank_balances/rows?accountId=" + account, Optional.empty());
      assertThat(row.body().path("balances").get(0).path("balance").asLong()).isEqualTo(foldedBalance(account));
    }
    assertThat(foldedBalance("a")).isEqualTo(10000 - 1500 - 2000);
    // Statements v1 ignore the fee reversal (the bank's deliberate bug): 300 short of the fold.
    Reply lines = call("GET", "/projections/bank_statements/lines?accountId=a", Optional.empty());
    assertThat(lines.body().path("balance").asLong()).isEqualTo(foldedBalance("a") - 300);
    assertThat(call("GET", "/projections/bank_orders/counts", Optional.empty()).body().path("byStatus").path("cancelled")
        .asLong()).isEqualTo(1);
    assertThat(call("GET", "/projections/bank_balances/rows?accountId=zz", Optional.empty()).status()).isEqualTo(404);
    assertThat(call("GET", "/projections/bank_statements/lines", Optional.empty()).status()).isEqualTo(400);
    assertThat(call("GET", "/projections/bank_daily_totals/days?from=yesterday&to=2030-01-01", Optional.empty()).status())
        .isEqualTo(400);

    // The rebuild to v2 books the reversal: after promotion the statement matches the fold.
    assertThat(call("POST", "/projections/bank_statements/rebuild", Optional.empty()).status()).isEqualTo(202);
    assertThat(server.projections().awaitRebuildCaughtUp(BankProjections.STATEMENTS, Duration.ofSeconds(30))).isTrue();
    Reply promoted = call("POST", "/projections/bank_statements/promote", Optional.empty());
    assertThat(promoted.status()).as(promoted.body().toString()).isEqualTo(200);
    assertThat(promoted.body().path("version").asInt()).isEqualTo(2);
    lines = call("GET", "/projections/bank_statements/lines?accountId=a", Optional.empty());
    assertThat(lines.body().path("balance").asLong()).isEqualTo(foldedBalance("a"));
  }

  @Test
  void a_transfer_needs_a_key_covering_the_transfer_and_both_accounts() throws Exception {
    ok("open-account", "{\"accountId\":\"a\",\"owner\":\"Ada\"}");
    ok("open-account", "{\"accountId\":\"b\",\"owner\":\"Bob\"}");
    ok("deposit", "{\"accountId\":\"a\",\"amount\":1000}");
    server.stop();
    var keys = dev.annals.server.auth.ApiKeys.parse(String.join("\n",
        dev.annals.server.auth.ApiKeys.line("accounts-only", dev.annals.server.auth.Role.WRITER, "account-", "teller"),
        dev.annals.server.auth.ApiKeys.line("transfers-and-a", dev.annals.server.auth.Role.WRITER, "transfer-,account-a", "clerk"),
        dev.annals.server.auth.ApiKeys.line("all", dev.annals.server.auth.Role.WRITER, "transfer-,account-", "payments")), "test");
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0).withApiKeys(keys), new ScanVerifier(store, true),
        List.of(new BankModule())).start();
    long head = store.headPosition();
    String transfer = "{\"transferId\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":100}";
    for (String key : List.of("accounts-only", "transfers-and-a")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/commands/bank/transfer"))
          .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(transfer)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(key + " " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains(key.equals("accounts-only") ? "transfer-t1" : "account-b");
    }
    assertThat(store.headPosition()).isEqualTo(head);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/commands/bank/transfer"))
        .header("Authorization", "Bearer all").POST(HttpRequest.BodyPublishers.ofString(transfer)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(foldedBalance("b")).isEqualTo(100);
  }

  @Test
  void a_fee_reversal_may_revoke_only_that_fees_charge() throws Exception {
    ok("open-account", "{\"accountId\":\"a\",\"owner\":\"Ada\"}");
    String depositEventId = ok("deposit", "{\"accountId\":\"a\",\"amount\":10000}").path("events").get(0).path("id").asText();
    UUID feeId = UUID.randomUUID();
    UUID otherFeeId = UUID.randomUUID();
    String feeEventId = ok("charge-fee", "{\"accountId\":\"a\",\"feeId\":\"" + feeId + "\",\"kind\":\"monthly\",\"amount\":300}")
        .path("events").get(0).path("id").asText();
    String otherFeeEventId = ok("charge-fee", "{\"accountId\":\"a\",\"feeId\":\"" + otherFeeId
        + "\",\"kind\":\"monthly\",\"amount\":200}").path("events").get(0).path("id").asText();
    long head = store.headPosition();
    String reversal = "{\"accountId\":\"a\",\"feeId\":\"" + feeId + "\",\"feeEventId\":\"%s\",\"effectiveAt\":\"2026-01-01T00:00:00Z\"}";

    Reply deposit = command("reverse-fee", reversal.formatted(depositEventId));
    assertThat(deposit.status()).isEqualTo(400);
    assertThat(deposit.body().path("reason").asText()).isEqualTo("not_the_fees_charge");
    assertThat(deposit.body().path("message").asText()).contains("is a Deposited, not the charge of fee " + feeId);
    Reply other = command("reverse-fee", reversal.formatted(otherFeeEventId));
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.body().path("reason").asText()).isEqualTo("not_the_fees_charge");
    Reply unknown = command("reverse-fee", reversal.formatted(UUID.randomUUID()));
    assertThat(unknown.body().path("message").asText()).contains("is not on account a");
    assertThat(store.headPosition()).isEqualTo(head);

    JsonNode reversed = ok("reverse-fee", reversal.formatted(feeEventId));
    assertThat(reversed.path("events").get(0).path("metadata").path("revokes").get(0).asText()).isEqualTo(feeEventId);
  }

  @Test
  void an_instant_is_iso_8601_text_only_and_the_error_names_the_field() throws Exception {
    ok("open-account", "{\"accountId\":\"a\",\"owner\":\"Ada\"}");
    long head = store.headPosition();
    Reply number = command("deposit", "{\"accountId\":\"a\",\"amount\":5,\"valueDate\":12345}");
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.body().path("message").asText()).contains("at 'valueDate': an instant must be an ISO-8601 string");
    Reply local = command("deposit", "{\"accountId\":\"a\",\"amount\":5,\"valueDate\":\"2026-01-01T00:00:00\"}");
    assertThat(local.status()).isEqualTo(400);
    assertThat(local.body().path("message").asText()).contains("at 'valueDate'");
    assertThat(store.headPosition()).isEqualTo(head);
    ok("deposit", "{\"accountId\":\"a\",\"amount\":5,\"valueDate\":\"2026-01-01T00:00:00Z\"}");
  }

  @Test
  void a_deposit_that_would_overflow_the_balance_is_refused_and_the_balance_stays_exact() throws Exception {
    ok("open-account", "{\"accountId\":\"a\",\"owner\":\"Ada\"}");
    ok("deposit", "{\"accountId\":\"a\",\"amount\":" + Long.MAX_VALUE + "}");
    Reply again = command("deposit", "{\"accountId\":\"a\",\"amount\":1}");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.body().path("reason").asText()).isEqualTo("amount_too_large");
    assertThat(foldedBalance("a")).isEqualTo(Long.MAX_VALUE);
  }
}
