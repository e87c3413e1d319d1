package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.StoredEvent;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.SourceOffset;
import dev.annals.kafka.local.LocalKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group of 3 child JVMs runs the balances projection into one SQLite read model while
 * records flow; one member is SIGKILLed mid-run. The others take over its partitions from the offsets
 * stored beside the rows, and in the end the read model equals the brute-force fold of the log: every
 * event applied exactly once.
 */
@ExtendWith(TestKafka.class)
class KafkaProjectionCrashTest {

  private static final int EVENTS = 9_000;

  private static Process member(LocalKafka kafka, String topic, Path dir, int i) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-cp", System.getProperty("java.class.path"),
        KafkaProjectionMember.class.getName(), kafka.bootstrap(), topic, "g-" + topic, dir.toString())
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("member-" + i + ".err").toFile()))
        .start();
  }

  private static void awaitStarted(Process p, Path dir, int i) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine(); // logback may print its status lines first
    } while (line != null && !line.equals("started"));
    if (line == null) {
      throw new AssertionError("member " + i + " did not start:\n"
          + Files.readString(dir.resolve("member-" + i + ".err")));
    }
  }

  @Test
  void a_group_of_three_with_one_member_killed_mid_run_builds_the_fold_of_the_log(LocalKafka kafka, @TempDir Path dir)
      throws Exception {
    String topic = "crash-" + UUID.randomUUID();
    kafka.createTopic(topic, 6);
    List<StoredEvent> log = Accounts.log(3, EVENTS, 60);
    List<Process> members = new ArrayList<>();
    try (JdbcTarget target = JdbcTarget.sqlite(dir); Connection reader = target.openReader();
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic)) {
      for (int i = 0; i < 3; i++) {
        members.add(member(kafka, topic, dir, i));
      }
      for (int i = 0; i < 3; i++) {
        awaitStarted(members.get(i), dir, i);
      }
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int from = 0; from < EVENTS; from += 500) {
          Accounts.publish(producer, topic, log.subList(from, from + 500), 100);
          try {
            Thread.sleep(150); // records keep flowing while the group changes
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      });
      KafkaProjectionRunnerTest.await("a third of the log applied",
          () -> Accounts.events(balances(reader)) >= EVENTS / 3);
      members.getFirst().destroyForcibly().waitFor(); // SIGKILL, mid-run
      long atKill = Accounts.events(balances(reader));
      writer.get();
      assertThat(atKill).isLessThan(EVENTS);

      Map<Integer, Long> lastPositions = new HashMap<>();
      for (StoredEvent e : log) {
        lastPositions.put(KafkaPartitioning.partitionOf(e.event().stream(), 6), e.event().position());
      }
      var projection = Accounts.jdbc();
      KafkaProjectionRunnerTest.await("every partition applied up to its last event", () -> {
        List<SourceOffset> stored = target.sourceOffsets(projection.id(), "kafka:" + topic);
        return stored.size() == 6 && stored.stream().allMatch(o -> o.position() == lastPositions.get(o.partition()));
      });
      assertThat(balances(reader)).isEqualTo(Accounts.fold(log));
      for (int i = 1; i < 3; i++) {
        assertThat(members.get(i).isAlive()).as("member %d still runs", i).isTrue();
      }
    } finally {
      for (Process p : members) {
        p.getOutputStream().close(); // a clean stop for the survivors
      }
      for (Process p : members) {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static Map<String, Accounts.Balance> balances(Connection reader) {
    try {
      return Accounts.balances(reader);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
