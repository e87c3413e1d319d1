package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.postgres.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code annals demo --cluster} as a user runs it: a child process, read until its "Where to look". Both
 * nodes must have given the three answers alike, node A (killed by the demo) must be gone and B must run the
 * projections, the Kafka-fed view must have converged, and the answers must be what the servers still say.
 * Then SIGTERM (what Ctrl-C does): every process it started ends and nothing it created stays on disk (its
 * temporary directory, given to it, is empty again).
 */
class ClusterDemoTest {

  @Test
  void the_distributed_bank_answers_alike_on_both_nodes_survives_a_killed_node_and_leaves_nothing() throws Exception {
    TestPostgres.requireBinaries();
    // the demo's temporary files (PostgreSQL's, Kafka's, the servers') go here; traversable by the postgres
    // user that PostgreSQL runs as when the tests run as root
    Path tmp = Files.createTempDirectory("annals-cluster-demo-test-");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "dev.annals.cli.Main", "demo",
        "--cluster"));
    Process demo = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
    List<ProcessHandle> started = new ArrayList<>();
    try (DemoHttp http = new DemoHttp()) {
      awaitLine(demo, lines, "Serving until Ctrl-C.", 400);
      String text = String.join("\n", lines);
      assertThat(text).contains("Where to look", "Both nodes agree.", "Identical on both nodes, event for event.",
          "live version: node-a v2, node-b v2", "Both nodes serve v2", "node-b runs the 4 projections",
          "node-b took over the export; the Kafka-fed view caught up", "read models equal the folds of the log");
      started.addAll(demo.descendants().toList());

      // (a) as printed: the same two figures in both columns, and what the servers still say
      String knownThen = group(text, "as known then\\s+(\\S+)\\s+(\\S+)", 1);
      assertThat(group(text, "as known then\\s+(\\S+)\\s+(\\S+)", 2)).isEqualTo(knownThen);
      assertThat(group(text, "as valid now\\s+(\\S+)\\s+(\\S+)", 2))
          .isEqualTo(group(text, "as valid now\\s+(\\S+)\\s+(\\S+)", 1)).isNotEqualTo(knownThen);
      String account = group(text, "\\(a\\) Account (\\S+) on (\\S+),", 1);
      String asOf = group(text, "\\(a\\) Account (\\S+) on (\\S+),", 2);
      URI nodeB = URI.create(group(text, "node-b\\s+(http://\\S+)", 1));
      URI nodeA = URI.create(group(text, "node-a restarted at (http://\\S+)", 1));
      for (URI node : List.of(nodeA, nodeB)) {
        JsonNode state = http.get(node, "/streams/account-" + account + "/state?knownAt=" + asOf).json();
        assertThat(Demo.Cents.format(state.path("state").path("ledger").path("balance").asLong())).isEqualTo(knownThen);
      }

      // node A was killed; B runs every projection; the restarted A is a standby
      long killed = Long.parseLong(group(text, "kill -9, pid (\\d+)", 1));
      assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).as("the killed node-a").isFalse();
      for (JsonNode p : http.get(nodeA, "/projections").json().path("projections")) {
        assertThat(p.path("runningOn").asText()).as(p.path("name").asText()).isEqualTo("node-b");
      }
      // (b) the audit trail, the same on both servers
      String correlationId = group(text, "correlationId (\\S+)\\)", 1);
      assertThat(http.get(nodeA, "/audit?correlationId=" + correlationId).json().path("events"))
          .isEqualTo(http.get(nodeB, "/audit?correlationId=" + correlationId).json().path("events")).isNotEmpty();

      int pgPort = Integer.parseInt(group(text, "store\\s+postgresql://[^@]+@127\\.0\\.0\\.1:(\\d+)/", 1));
      int kafkaPort = Integer.parseInt(group(text, "kafka\\s+localhost:(\\d+),", 1));

      // Ctrl-C
      demo.toHandle().destroy();
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo stopped within 90 s: %s", lines).isTrue();
      reader.join(5_000);
      assertThat(lines).contains("annals demo: stopped");
      for (ProcessHandle p : started) {
        assertThat(p.isAlive()).as("process %s (%s) after the demo stopped", p.pid(), p.info().command()).isFalse();
      }
      assertThat(listening(pgPort)).as("PostgreSQL on port %s", pgPort).isFalse();
      assertThat(listening(kafkaPort)).as("Kafka on port %s", kafkaPort).isFalse();
      assertThat(listening(nodeB.getPort())).as("node-b").isFalse();
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left.toList()).as("what the demo left in its temporary directory").isEmpty();
      }
    } finally {
      demo.destroyForcibly();
      demo.waitFor(30, TimeUnit.SECONDS);
      for (ProcessHandle p : started) {
        p.destroyForcibly();
      }
      Directories.deleteQuietly(tmp);
    }
  }

  private static void awaitLine(Process demo, List<String> lines, String wanted, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!lines.contains(wanted)) {
      assertThat(demo.isAlive()).as("the demo is running: %s", lines).isTrue();
      assertThat(System.nanoTime()).as("'%s' within %d s: %s", wanted, seconds, lines).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String group(String text, String regex, int group) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("output matching %s:%n%s", regex, text).isTrue();
    return m.group(group);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
