package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.client.HttpEventStore;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code annals serve} in a child JVM: it serves, {@code annals tail} follows it, and SIGTERM shuts it
 * down gracefully (subscribers get a final event, the store is closed, the process exits).
 */
class ServeAndTailTest {

  @Test
  void serve_answers_tail_follows_and_sigterm_stops_gracefully() throws Exception {
    try (ServedProcess served = new ServedProcess("--in-memory")) {
      Process p = served.process;
      List<String> lines = served.lines;
      URI uri = served.awaitUri();
      try (HttpEventStore client = new HttpEventStore(uri)) {
        client.append("account-1", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{\"owner\":\"ann\"}"));
        client.append("account-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{\"amount\":5}"));
      }
      String tailed = captureOut(() -> assertThat(Main.run("tail", "--server", uri.toString(), "--from", "1",
          "--count", "2")).isZero());
      assertThat(tailed).contains("#1  account-1@1  Opened").contains("#2  account-1@2  Deposited  ").contains("{\"amount\":5}");
      String json = captureOut(() -> assertThat(Main.run("tail", "--server", uri.toString(), "--from", "2",
          "--count", "1", "--json")).isZero());
      assertThat(json.strip()).startsWith("{\"id\":").contains("\"position\":2");

      HttpClient http = HttpClient.newHttpClient();
      // Modules are opt-in: the bank example is on the class path but not run without --module bank.
      assertThat(http.send(HttpRequest.newBuilder(URI.create(uri + "/projections")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("{\"projections\":[]}");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(uri + "/commands/bank/deposit"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\":\"A1\",\"amount\":1}")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      HttpResponse<InputStream> sse = http.send(HttpRequest.newBuilder(URI.create(uri + "/subscribe/all")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(sse.statusCode()).isEqualTo(200);
      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stdout)
      String stream = new String(sse.body().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(stream).contains("event: shutdown");
      assertThat(served.awaitExit(30)).isTrue();
      assertThat(lines).as("exit " + p.exitValue() + "\n" + String.join("\n", lines)).anyMatch(l -> l.contains("stopped; the store is closed"));
      assertThat(p.exitValue()).isEqualTo(143);
      http.close();
    }
  }

  @Test
  void serve_on_a_data_directory_keeps_acknowledged_events_across_a_restart(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    dev.annals.core.AppendResult written;
    try (ServedProcess served = new ServedProcess("--data", dir.toString())) {
      URI uri = served.awaitUri();
      try (HttpEventStore client = new HttpEventStore(uri)) {
        written = client.append("account-7", ExpectedVersion.NO_STREAM,
            EventData.of("Opened", "{\"owner\":\"bo\"}"), EventData.of("Deposited", "{\"amount\":9}"));
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> verify = http.send(HttpRequest.newBuilder(URI.create(uri + "/admin/verify"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(verify.statusCode()).isEqualTo(200);
      assertThat(verify.body()).contains("\"ok\":true").contains("\"events\":2").containsPattern("\"headHash\":\"[0-9a-f]{64}\"");
      http.close();
      served.process.toHandle().destroy();
      assertThat(served.awaitExit(30)).isTrue();
      assertThat(served.lines).anyMatch(l -> l.contains("serving the data directory " + dir.toAbsolutePath() + " (new, empty,"));
    }
    try (dev.annals.log.LogEventStore reopened = dev.annals.log.Annals.open(dir)) {
      List<dev.annals.core.RecordedEvent> events = reopened.readStream("account-7", 1,
          dev.annals.core.Direction.FORWARD, 10).events();
      assertThat(events).extracting(dev.annals.core.RecordedEvent::type).containsExactly("Opened", "Deposited");
      assertThat(events.get(1).position()).isEqualTo(written.lastPosition());
      assertThat(reopened.verify(dev.annals.log.LogVerifier.Progress.NONE).ok()).isTrue();
    }
  }

  private static String captureOut(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void serve_with_module_bank_runs_the_banks_projections_and_commands() throws Exception {
    try (ServedProcess served = new ServedProcess("--in-memory", "--module", "bank")) {
      URI uri = served.awaitUri();
      List<String> lines = served.lines;
      assertThat(lines).anyMatch(l -> l.contains("with module bank"));
      HttpClient http = HttpClient.newHttpClient();
      String projections = http.send(HttpRequest.newBuilder(URI.create(uri + "/projections")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String name : dev.annals.examples.bank.projection.BankProjections.NAMES) {
        assertThat(projections).contains("\"name\":\"" + name + "\"");
      }
      HttpResponse<String> opened = http.send(HttpRequest.newBuilder(URI.create(uri + "/commands/bank/open-account"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\":\"A1\",\"owner\":\"ann\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
      http.close();
    }
  }

  @Test
  void serve_refuses_an_unknown_module_and_lists_the_installed_ones() {
    CliRun r = CliRun.run("serve", "--port", "0", "--module", "bank,banks");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--module: no module named 'banks'; installed: bank");
  }

  @Test
  void serve_refuses_a_public_address_without_an_auth_file() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("serve", "--host", "0.0.0.0", "--port", "0", "--in-memory")).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("without an auth file").contains("--insecure");
  }

  @Test
  void serve_with_a_bad_auth_file_names_the_line() throws Exception {
    Path file = java.nio.file.Files.createTempFile("auth", ".keys");
    java.nio.file.Files.writeString(file, "# keys\nnot-a-hash admin *\n");
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("serve", "--port", "0", "--auth", file.toString())).isEqualTo(2);
    } finally {
      System.setErr(old);
      java.nio.file.Files.delete(file);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2");
  }

  @Test
  void serve_without_data_keeps_its_events_in_annals_data_in_the_working_directory_across_a_restart(
      @org.junit.jupiter.api.io.TempDir Path work) throws Exception {
    Path store = work.resolve(ServeCommand.DEFAULT_DATA).toAbsolutePath();
    dev.annals.core.AppendResult written;
    try (ServedProcess served = new ServedProcess(work)) {
      URI uri = served.awaitUri();
      assertThat(served.lines).anyMatch(l -> l.startsWith("annals: serving the data directory " + store + " (new, empty,"));
      try (HttpEventStore client = new HttpEventStore(uri)) {
        written = client.append("account-3", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{\"owner\":\"cy\"}"));
      }
    }
    assertThat(dev.annals.log.Annals.holdsLog(store)).isTrue();
    try (ServedProcess again = new ServedProcess(work)) {
      URI uri = again.awaitUri();
      assertThat(again.lines).anyMatch(l -> l.startsWith("annals: serving the data directory " + store + " (1 event,"));
      try (HttpEventStore client = new HttpEventStore(uri)) {
        List<dev.annals.core.RecordedEvent> kept = client.readStream("account-3", 1, dev.annals.core.Direction.FORWARD, 10)
            .events();
        assertThat(kept).hasSize(1);
        assertThat(kept.getFirst().type()).isEqualTo("Opened");
        assertThat(kept.getFirst().position()).isEqualTo(written.firstPosition());
        assertThat(kept.getFirst().recordedAt()).isEqualTo(written.recordedAt());
      }
    }
  }

  @Test
  void serve_in_memory_says_that_events_are_lost_and_writes_nothing_in_the_working_directory(
      @org.junit.jupiter.api.io.TempDir Path work) throws Exception {
    try (ServedProcess served = new ServedProcess(work, "--in-memory")) {
      served.awaitUri();
      assertThat(served.lines).anyMatch(l -> l.startsWith("annals: serving an in-memory store (--in-memory: every event is"
          + " lost when the server stops) on http://"));
    }
    try (var entries = java.nio.file.Files.list(work)) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void a_serve_that_does_not_start_removes_the_data_directory_it_made(@org.junit.jupiter.api.io.TempDir Path tmp) {
    Path made = tmp.resolve("new-store");
    CliRun r = CliRun.run("serve", "--host", "0.0.0.0", "--port", "0", "--data", made.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("without an auth file");
    assertThat(made).doesNotExist();
  }
}
