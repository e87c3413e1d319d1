package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /commands/{module}/{command}} over the test {@link LedgerModule}. */
class CommandRoutesTest {

  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0), List.of(new LedgerModule()));
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  private TestServer.Reply command(String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.server.uri() + path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    headers.forEach(b::header);
    HttpResponse<byte[]> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new TestServer.Reply(r.statusCode(), new String(r.body()), r);
  }

  @Test
  void a_command_is_decided_and_answered_with_what_it_appended_and_the_metadata_it_carried() throws Exception {
    UUID id = UUID.randomUUID();
    TestServer.Reply r = command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":250}", Map.of(
        "Annals-Command-Id", id.toString(), "Annals-Correlation-Id", "corr-1", "Annals-Causation-Id", "cause-1",
        "Annals-Reason", "opening balance", "Annals-Actor", "ada"));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode b = r.json();
    assertThat(b.path("stream").asText()).isEqualTo("ledger-7");
    assertThat(b.path("commandId").asText()).isEqualTo(id.toString());
    assertThat(b.path("repeated").asBoolean()).isFalse();
    assertThat(b.path("streamVersion").asLong()).isEqualTo(1);
    assertThat(b.path("append").path("lastPosition").asLong()).isEqualTo(1);
    assertThat(b.path("state").path("balance").asLong()).isEqualTo(250);
    JsonNode event = b.path("events").get(0);
    assertThat(event.path("type").asText()).isEqualTo("Credited");
    assertThat(event.path("data").path("amount").asLong()).isEqualTo(250);
    JsonNode meta = event.path("metadata");
    assertThat(meta.path("commandId").asText()).isEqualTo(id.toString());
    assertThat(meta.path("correlationId").asText()).isEqualTo("corr-1");
    assertThat(meta.path("causationId").asText()).isEqualTo("cause-1");
    assertThat(meta.path("reason").asText()).isEqualTo("opening balance");
    assertThat(meta.path("actor").asText()).isEqualTo("ada");
    assertThat(t.store.headPosition()).isEqualTo(1);
  }

  @Test
  void a_repeated_command_id_writes_nothing_and_returns_the_first_outcome() throws Exception {
    Map<String, String> h = Map.of("Annals-Command-Id", UUID.randomUUID().toString());
    TestServer.Reply first = command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":250}", h);
    TestServer.Reply again = command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":250}", h);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("repeated").asBoolean()).isTrue();
    assertThat(again.json().path("events")).isEqualTo(first.json().path("events"));
    assertThat(t.store.headPosition()).isEqualTo(1);
    assertThat(command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":250}", Map.of())
        .json().path("state").path("balance").asLong()).isEqualTo(500);
  }

  @Test
  void a_rejected_command_is_a_400_with_the_deciders_reason_and_writes_nothing() throws Exception {
    command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":5}", Map.of());
    TestServer.Reply r = command("/commands/ledger/debit", "{\"ledgerId\":\"7\",\"amount\":6}", Map.of());

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_request");
    assertThat(r.json().path("reason").asText()).isEqualTo("insufficient_funds");
    assertThat(r.json().path("message").asText()).contains("balance 5 is below 6");
    assertThat(t.store.headPosition()).isEqualTo(1);
  }

  /** Metadata as Python's json.dumps writes it ({"schema": 1}, a blank after the colon) is read like compact metadata. */
  @Test
  void a_stream_appended_with_blanks_in_its_metadata_takes_commands() throws Exception {
    TestServer.Reply appended = t.post("/streams/ledger-7", "{\"expectedVersion\":\"any\",\"events\":[{\"type\":"
        + "\"Credited\",\"data\":{\"amount\": 100},\"metadata\":{\"schema\": 1}}]}");
    assertThat(appended.status()).as(appended.body()).isEqualTo(200);

    TestServer.Reply r = command("/commands/ledger/credit", "{\"ledgerId\":\"7\",\"amount\":5}", Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("state").path("balance").asLong()).isEqualTo(105);
  }

  /**
   * A stored event the module's codec cannot decode is neither a client mistake nor an outage: a 500
   * {@code codec_error} naming the event's stream, version, position, type and the problem.
   */
  @Test
  void a_stored_event_the_codec_cannot_decode_is_a_500_codec_error_naming_the_event() throws Exception {
    t.post("/streams/ledger-8", "{\"expectedVersion\":\"any\",\"events\":[{\"type\":\"Credited\","
        + "\"data\":{\"amount\":\"lots\"}}]}");

    TestServer.Reply r = command("/commands/ledger/credit", "{\"ledgerId\":\"8\",\"amount\":5}", Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(500);
    assertThat(r.error()).isEqualTo("codec_error");
    assertThat(r.json().path("type").asText()).isEqualTo("Credited");
    assertThat(r.json().path("schema").asInt()).isEqualTo(1);
    assertThat(r.json().path("message").asText())
        .contains("stream 'ledger-8' version 1, position 1").contains("Credited@1").contains("lots");
    assertThat(t.store.streamVersion("ledger-8")).isEqualTo(1);
  }

  @Test
  void bad_requests_get_precise_errors_and_write_nothing() throws Exception {
    record Case(String path, String body, Map<String, String> headers, int status, String message) {}
    List<Case> cases = List.of(
        new Case("/commands/nope/credit", "{}", Map.of(), 404, "no module 'nope'"),
        new Case("/commands/ledger/nope", "{}", Map.of(), 404, "has no command 'nope'"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":", Map.of(), 400, "bad credit command"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5,\"x\":1}", Map.of(), 400, "\"x\""),
        new Case("/commands/ledger/credit", "{\"amount\":5}", Map.of(), 400, "ledgerId"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":\"five\"}", Map.of(), 400, "bad credit command"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":-5}", Map.of(), 400, "amount must be positive"),
        new Case("/commands/ledger/credit", "[1]", Map.of(), 400, "bad credit command"),
        // No guessed values: no coercion between JSON types, no repeated field, nothing after the body.
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":1.5}", Map.of(), 400,
            "at 'amount': Cannot coerce Floating-point value (1.5)"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":\"5\"}", Map.of(), 400, "String value (\"5\")"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":1,\"amount\":5}", Map.of(), 400, "bad credit command"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":true,\"amount\":5}", Map.of(), 400, "bad credit command"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"ledgerId\":\"2\",\"amount\":5}", Map.of(), 400,
            "Duplicate field 'ledgerId'"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5} {}", Map.of(), 400, "bad credit command"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":1e30}", Map.of(), 400, "Floating-point value (1e30)"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":9223372036854775808}", Map.of(), 400,
            "out of range of long"),
        new Case("/commands/ledger/credit", "null", Map.of(), 400, "must be a JSON object"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":null}", Map.of(), 400,
            "at 'amount': Cannot map `null` into type `long`"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":{}}", Map.of(), 400, "at 'amount'"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"a/b\",\"amount\":5}", Map.of(), 400, "/"),
        new Case("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5}", Map.of("Annals-Command-Id", "x"), 400,
            "must be a UUID"),
        new Case("/commands/ledger/credit?x=1", "{\"ledgerId\":\"1\",\"amount\":5}", Map.of(), 400, "unknown query parameter"));
    for (Case c : cases) {
      TestServer.Reply r = command(c.path(), c.body(), c.headers());
      assertThat(r.status()).as(c + " -> " + r).isEqualTo(c.status());
      assertThat(r.json().path("message").asText()).as(c.toString()).contains(c.message())
          // the client is told what is wrong with its JSON, not how to configure the server's mapper
          .doesNotContain("dev.annals.").doesNotContain("Config").doesNotContain("FAIL_ON");
    }
    assertThat(t.send("GET", "/commands/ledger/credit", Optional.empty(), Optional.empty()).status()).isEqualTo(405);
    assertThat(t.send("POST", "/commands/ledger/credit", Optional.empty(), Optional.empty()).status()).isEqualTo(400);
    assertThat(t.store.headPosition()).isZero();
  }

  @Test
  void with_api_keys_the_actor_is_the_keys_name_and_cannot_be_claimed() throws Exception {
    t.close();
    String key = "k-writer-0123456789abcdef";
    t = new TestServer(ServerConfig.defaults().withPort(0)
        .withApiKeys(ApiKeys.parse(ApiKeys.line(key, Role.WRITER, "ledger-", "teller-1"), "test")),
        List.of(new LedgerModule()));
    TestServer.Reply ok = command("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5}",
        Map.of("Authorization", "Bearer " + key));
    assertThat(ok.json().path("events").get(0).path("metadata").path("actor").asText()).isEqualTo("teller-1");
    TestServer.Reply claimed = command("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5}",
        Map.of("Authorization", "Bearer " + key, "Annals-Actor", "someone-else"));
    assertThat(claimed.status()).isEqualTo(400);
    assertThat(claimed.json().path("message").asText()).contains("the actor is the key's name");
  }
}
