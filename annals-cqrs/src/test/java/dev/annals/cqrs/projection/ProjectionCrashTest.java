package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL mid-batch: a child JVM runs the SQLite projection and is killed with {@code destroyForcibly}
 * several times; after each restart the projection resumes from its stored checkpoints, and in the end
 * the read model equals the fold of all events, each applied exactly once.
 */
class ProjectionCrashTest {

  static final long SEED = 4242;
  static final int EVENTS = 12_000;
  static final int ACCOUNTS = 30;
  static final long DELAY_NANOS = 40_000;

  static RunnerOptions options() {
    return RunnerOptions.defaults().withPartitions(2).withMaxBatch(100);
  }

  /** The stored gap-safe position, read without writing (0 while the tables do not exist yet). */
  private static long storedPosition(Path dir) {
    try (Connection c = new SqliteDialect(dir.resolve(JdbcTarget.SQLITE_FILE)).openReader();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT position FROM annals_projection WHERE name = 'ledger' AND version = 2")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      return 0;
    }
  }

  @Test
  void after_sigkill_mid_batch_the_read_model_equals_the_fold_with_each_event_applied_once(@TempDir Path dir)
      throws Exception {
    Random random = new Random();
    Projection<JdbcSession> projection = Ledger.jdbc(2);
    List<Long> checkpoints = new ArrayList<>();
    int killed = 0;
    for (int round = 0; round < 3; round++) {
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), ProjectionCrashChild.class.getName(),
          dir.toString(), Long.toString(SEED), Integer.toString(EVENTS))
          .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile()))
          .start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(out.readLine()).isEqualTo("started");
        // Kill only once this round has committed something, at a random moment after that.
        long before = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (child.isAlive() && storedPosition(dir) <= before && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(60));
        if (child.isAlive()) {
          child.destroyForcibly(); // SIGKILL
          killed++;
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      try (JdbcTarget target = JdbcTarget.sqlite(dir)) {
        checkpoints.add(target.checkpoint(projection.id()).orElseThrow().position());
      }
    }
    assertThat(killed).isPositive();
    assertThat(checkpoints).isSorted();
    assertThat(checkpoints).as("each round committed progress before its kill").doesNotHaveDuplicates();
    assertThat(checkpoints.get(0)).isPositive();
    assertThat(checkpoints.get(checkpoints.size() - 1)).as("killed before the end").isLessThan(EVENTS);

    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      Ledger.fill(store, SEED, EVENTS, ACCOUNTS);
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, projection, target, options());
          Connection c = target.openReader()) {
        assertThat(runner.awaitPosition(store.headPosition(), Duration.ofSeconds(60))).isTrue();
        assertThat(runner.parked()).as("a second application would fail on applied's key and park").isEmpty();
        List<RecordedEvent> all = Ledger.all(store);
        assertThat(all).hasSize(EVENTS);
        assertThat(Ledger.balances(c, "balances")).isEqualTo(Ledger.fold(all, 2));
        assertThat(Ledger.count(c, "applied")).isEqualTo(EVENTS);
      }
    }
  }
}
