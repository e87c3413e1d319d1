package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code append}, {@code read} (with --known-at / --valid-at) and {@code verify} through {@code --server}, and time views on --data. */
class ServerCommandsTest {

  private InMemoryEventStore store;
  private AnnalsServer server;
  private String url;

  @BeforeEach
  void start() throws Exception {
    store = new InMemoryEventStore();
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true)).start();
    url = server.uri().toString();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    store.close();
  }


  @Test
  void append_and_read_go_through_the_server() throws Exception {
    CliRun a = run("append", "account-1", "Opened", "{\"owner\":\"ada\"}", "--server", url, "--json");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(EventJson.MAPPER.readTree(a.out()).get("lastVersion").asLong()).isEqualTo(1);
    assertThat(store.streamVersion("account-1")).isEqualTo(1);
    CliRun wrong = run("append", "account-1", "Opened", "{}", "--server", url, "--expected", "no_stream");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("wrong_expected_version");
    CliRun r = run("read", "account-1", "--server", url);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Opened").contains("{\"owner\":\"ada\"}");
  }

  @Test
  void serve_refuses_a_rate_limit_that_is_not_positive() {
    CliRun r = run("serve", "--port", "0", "--rate-limit", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--rate-limit", "perSecond > 0");
  }

  @Test
  void serve_refuses_an_invalid_fsync_mode_with_or_without_data(@TempDir Path tmp) {
    for (List<String> args : List.of(List.of("serve", "--port", "0", "--fsync", "sometimes"),
        List.of("serve", "--port", "0", "--fsync", "sometimes", "--data", tmp.resolve("d").toString()))) {
      // Without the check, serve without --data starts and serves until stopped: hence the timeout.
      CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(args.toArray(String[]::new)));
      assertThat(r.exit()).as(args.toString()).isEqualTo(2);
      assertThat(r.err()).as(args.toString())
          .contains("error: --fsync: fsync mode must be always, never or interval:<ms> (ms >= 1), was 'sometimes'");
    }
  }

  @Test
  void serve_refuses_fsync_with_an_in_memory_store_and_says_why() {
    CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("serve", "--port", "0", "--in-memory", "--fsync", "never"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--fsync does not go with --in-memory").contains("writes nothing to disk");
  }

  @Test
  void serve_refuses_data_with_in_memory(@TempDir Path tmp) {
    CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("serve", "--port", "0", "--in-memory", "--data", tmp.resolve("d").toString()));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: give --data or --in-memory, not both");
    assertThat(tmp.resolve("d")).doesNotExist();
  }

  @Test
  void verify_through_the_server_prints_the_result() {
    store.append("account-1", ExpectedVersion.ANY, EventData.of("Opened", "{}"));
    CliRun v = run("verify", "--server", url);
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(v.out()).contains("events checked: 1").contains("ok: no problems");
  }

  @Test
  void every_command_that_talks_to_a_server_says_the_same_reason_when_it_cannot_reach_it(@TempDir Path tmp)
      throws Exception {
    String nobody;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      nobody = "http://127.0.0.1:" + free.getLocalPort();
    }
    Path file = java.nio.file.Files.writeString(tmp.resolve("h.jsonl"), "{\"stream\":\"a-1\",\"type\":\"A\",\"data\":{},\"recordedAt\":\"2026-02-01T08:00:00Z\"}\n");
    for (String[] command : List.of(new String[] {"verify"}, new String[] {"read", "s-1"},
        new String[] {"append", "s-1", "T", "{}"}, new String[] {"import", file.toString()}, new String[] {"tail"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--server", nobody));
      CliRun r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as(args.toString()).isEqualTo(ErrorHandler.STORE_ERROR);
      assertThat(r.err()).as(args.toString())
          .contains("error: unavailable: cannot reach the server at " + nobody + ": java.net.ConnectException")
          .doesNotContain("null");
    }
  }

  @Test
  void data_and_server_together_are_refused() {
    for (String[] command : List.of(new String[] {"read", "s-1"}, new String[] {"append", "s-1", "T", "{}"},
        new String[] {"verify"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--server", url, "--data", "/tmp/nowhere"));
      CliRun r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as(args.toString()).isEqualTo(2);
      assertThat(r.err()).as(args.toString()).contains("not both");
    }
  }

  @Test
  void read_known_at_and_valid_at_show_the_two_views_of_a_corrected_history(@TempDir Path dir) throws Exception {
    String data = dir.resolve("d").toString();
    UUID fee = UUID.randomUUID();
    assertThat(run("append", "acct-1", "Deposited", "{\"cents\":1000}", "--data", data, "--create").exit()).isZero();
    assertThat(run("append", "acct-1", "FeeCharged", "{\"cents\":30}", "--data", data, "--id", fee.toString()).exit()).isZero();
    Instant between = Instant.now();
    Thread.sleep(5);
    try (var log = new StoreLocation.DataDirectory(Path.of(data)).open(false)) {
      log.append("acct-1", ExpectedVersion.ANY, new EventData(UUID.randomUUID(), "FeeReversed", Json.of("{\"cents\":30}"),
          Json.of("{\"revokes\":[\"" + fee + "\"]}"), Optional.of(Instant.parse("2026-01-01T00:00:00Z"))));
    }
    CliRun known = run("read", "acct-1", "--data", data, "--known-at", between.toString(), "--json");
    assertThat(known.exit()).as(known.err()).isZero();
    JsonNode k = EventJson.MAPPER.readTree(known.out()).get("events");
    assertThat(k).extracting(e -> e.get("type").asText()).containsExactly("Deposited", "FeeCharged");
    CliRun valid = run("read", "acct-1", "--data", data, "--valid-at", Instant.now().toString(), "--json");
    JsonNode v = EventJson.MAPPER.readTree(valid.out()).get("events");
    assertThat(v).extracting(e -> e.get("type").asText()).containsExactly("FeeReversed", "Deposited");
    CliRun text = run("read", "acct-1", "--data", data, "--valid-at", Instant.now().toString(), "--limit", "1");
    assertThat(text.out().lines().toList()).hasSize(2);
    assertThat(text.out().lines().findFirst().orElseThrow())
        .startsWith("effective 2026-01-01T00:00:00.000000Z (recorded ").contains(" v3 ").contains("FeeReversed");
    assertThat(text.out()).contains("... more from place 2 of this view (--from 2)");
  }

  @Test
  void read_known_at_and_valid_at_through_the_server_let_the_server_select() throws Exception {
    UUID fee = UUID.randomUUID();
    store.append("acct-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"cents\":1000}"));
    store.append("acct-1", ExpectedVersion.ANY, new EventData(fee, "FeeCharged", Json.of("{\"cents\":30}"),
        Json.EMPTY_OBJECT, Optional.empty()));
    Instant between = Instant.now();
    Thread.sleep(5);
    store.append("acct-1", ExpectedVersion.ANY, new EventData(UUID.randomUUID(), "FeeReversed", Json.of("{\"cents\":30}"),
        Json.of("{\"revokes\":[\"" + fee + "\"]}"), Optional.of(Instant.parse("2026-01-01T00:00:00Z"))));

    CliRun known = run("read", "acct-1", "--server", url, "--known-at", between.toString(), "--json");
    assertThat(known.exit()).as(known.err()).isZero();
    assertThat(EventJson.MAPPER.readTree(known.out()).get("events")).extracting(e -> e.get("type").asText())
        .containsExactly("Deposited", "FeeCharged");
    CliRun first = run("read", "acct-1", "--server", url, "--valid-at", Instant.now().toString(), "--limit", "1", "--json");
    JsonNode page = EventJson.MAPPER.readTree(first.out());
    assertThat(page.get("events")).extracting(e -> e.get("type").asText()).containsExactly("FeeReversed");
    assertThat(page.get("next").asLong()).isEqualTo(2);
    CliRun second = run("read", "acct-1", "--server", url, "--valid-at", Instant.now().toString(), "--from", "2", "--json");
    JsonNode rest = EventJson.MAPPER.readTree(second.out());
    assertThat(rest.get("events")).extracting(e -> e.get("type").asText()).containsExactly("Deposited");
    assertThat(rest.get("next").isNull()).isTrue();
  }

  @Test
  void import_sends_the_file_to_the_server_with_the_original_recorded_at(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("h.jsonl");
    java.nio.file.Files.writeString(file,
        "{\"stream\":\"acct-1\",\"type\":\"Opened\",\"data\":{},\"recordedAt\":\"2026-02-01T08:00:00Z\"}\n"
            + "{\"stream\":\"acct-1\",\"type\":\"Closed\",\"data\":{},\"recordedAt\":\"2026-02-02T08:00:00Z\"}\n");
    CliRun r = run("import", file.toString(), "--server", url);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("imported 2 events").contains("positions 1..2");
    assertThat(store.readStream("acct-1", 1, dev.annals.core.Direction.FORWARD, 10).events())
        .extracting(e -> e.recordedAt().toString())
        .containsExactly("2026-02-01T08:00:00Z", "2026-02-02T08:00:00Z");
  }
}
