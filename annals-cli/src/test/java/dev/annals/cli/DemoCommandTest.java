package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.log.Annals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals demo} refuses to seed into a data directory that already holds something, and lays
 * out its run as {@code annals serve --data DIR} does, so serving the printed directory finds its data.
 */
class DemoCommandTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldErr;

  @TempDir
  Path dir;

  @BeforeEach
  void capture() {
    oldErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(oldErr);
  }

  @Test
  void a_data_directory_with_files_is_refused_with_exit_code_2_and_left_alone() throws Exception {
    Path file = Files.writeString(dir.resolve("keep.txt"), "mine");
    assertThat(Main.run("demo", "--data", dir.toString(), "--port", "0", "--no-wait")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("new or empty data directory");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void a_data_path_that_is_a_file_is_refused_with_exit_code_2() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThat(Main.run("demo", "--data", file.toString(), "--port", "0", "--no-wait")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a directory");
  }

  @Test
  void serve_data_on_the_printed_directory_serves_the_demos_log_and_its_promoted_projections() throws Exception {
    Path run = dir.resolve("run");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (Demo demo = Demo.open(run, "127.0.0.1", 0, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
      demo.run(SeedConfig.small(7));
    }
    assertThat(buf.toString(StandardCharsets.UTF_8).lines())
        .contains("  data       " + run.toAbsolutePath())
        .contains("  after Ctrl-C: ./annals serve --data " + run.toAbsolutePath() + " --module bank");
    assertThat(Annals.holdsLog(run)).as("the printed directory is the log's data directory").isTrue();
    assertThat(ServeCommand.projectionsDir(run).resolve("projections.db")).exists();
    long head;
    try (var log = Annals.open(run)) {
      head = log.headPosition();
    }
    assertThat(head).isPositive();

    try (ServedProcess served = new ServedProcess("--data", run.toString(), "--module", "bank");
        HttpClient http = HttpClient.newHttpClient()) {
      URI uri = served.awaitUri();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create(uri + "/projections/" + BankProjections.STATEMENTS)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode statements = EventJson.MAPPER.readTree(r.body());
      assertThat(statements.path("version").asInt()).as(r.body()).isEqualTo(2);
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(uri + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(EventJson.MAPPER.readTree(health.body()).path("head").asLong()).as("the served log is the demo's")
          .isEqualTo(head);
    }
  }

  @Test
  void a_demo_that_cannot_start_removes_the_directory_it_made_and_empties_the_one_it_was_given() throws Exception {
    Path made = dir.resolve("new");
    Path given = Files.createDirectory(dir.resolve("given"));
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(busy.getLocalPort());
      assertThat(Main.run("demo", "--data", made.toString(), "--port", port, "--no-wait")).isEqualTo(1);
      assertThat(made).doesNotExist();
      assertThat(Main.run("demo", "--data", given.toString(), "--port", port, "--no-wait")).isEqualTo(1);
      try (var entries = Files.list(given)) {
        assertThat(entries).isEmpty();
      }
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot start the server on port").contains("try --port 0");
  }

  @Test
  void a_failed_demo_in_its_own_process_prints_one_error_line_and_no_log_lines_or_escape_codes() throws Exception {
    Path made = dir.resolve("run");
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // as the jar's manifest says (Enable-Native-Access), so the JVM's own sqlite warning stays out
          "--enable-native-access=ALL-UNNAMED", "-D" + ProgressLine.TERMINAL_PROPERTY + "=false", "-cp", System.getProperty("java.class.path"),
          "dev.annals.cli.Main", "demo", "--data", made.toString(), "--port", Integer.toString(busy.getLocalPort()),
          "--no-wait").redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isEqualTo(1);
      // without the demo's log level, the projection host's INFO line would come before the error
      assertThat(output.lines().toList()).as(output).singleElement().asString()
          .startsWith("error: cannot start the server on port " + busy.getLocalPort());
      assertThat(output).doesNotContain("\u001b");
    }
    assertThat(made).doesNotExist();
  }
}
