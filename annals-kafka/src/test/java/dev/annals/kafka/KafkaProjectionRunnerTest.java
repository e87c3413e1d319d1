package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.StoredEvent;
import dev.annals.cqrs.projection.FailurePolicy;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.MemoryTables;
import dev.annals.cqrs.projection.MemoryTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.SourceOffset;
import dev.annals.kafka.local.LocalKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKafka.class)
class KafkaProjectionRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  static KafkaProjectionSettings settings(LocalKafka kafka, String topic) {
    return KafkaProjectionSettings.of(kafka.bootstrap(), topic, "g-" + topic)
        .withKafkaProperty("session.timeout.ms", "6000")
        .withKafkaProperty("heartbeat.interval.ms", "500")
        .withKafkaProperty("max.poll.records", "200");
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private static Map<String, Accounts.Balance> memoryBalances(MemoryTarget target) {
    Map<String, Accounts.Balance> m = new HashMap<>();
    target.live("balances").orElseThrow().rows("balances").forEach((k, v) -> m.put((String) k, (Accounts.Balance) v));
    return m;
  }

  @Test
  void members_joining_and_leaving_while_records_flow_apply_every_event_exactly_once(LocalKafka kafka)
      throws Exception {
    String topic = "rebalance-" + UUID.randomUUID();
    kafka.createTopic(topic, 6);
    List<StoredEvent> log = Accounts.log(1, 6_000, 40);
    Projection<MemoryTables> projection = Accounts.memory();
    KafkaProjectionSettings s = settings(kafka, topic);
    List<KafkaProjectionRunner<MemoryTables>> members = new ArrayList<>();
    try (MemoryTarget target = new MemoryTarget();
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic)) {
      members.add(KafkaProjectionRunner.start(projection, target, s));
      int chunk = log.size() / 6;
      for (int step = 0; step < 6; step++) {
        Accounts.publish(producer, topic, log.subList(step * chunk, (step + 1) * chunk), 50);
        long published = (long) (step + 1) * chunk;
        // Wait for some progress so that each membership change happens mid-stream.
        await("some of step " + step + " applied", () -> Accounts.events(memoryBalances(target)) > published - chunk);
        switch (step) {
          case 0, 1 -> members.add(KafkaProjectionRunner.start(projection, target, s)); // a 2nd, then a 3rd member
          case 2 -> members.removeFirst().close(); // the first member leaves
          case 3 -> members.add(KafkaProjectionRunner.start(projection, target, s)); // another one joins
          case 4 -> members.removeFirst().close();
          default -> { }
        }
      }
      await("all events applied", () -> Accounts.events(memoryBalances(target)) >= log.size());
      assertThat(memoryBalances(target)).isEqualTo(Accounts.fold(log));
      for (KafkaProjectionRunner<MemoryTables> m : members) {
        assertThat(m.status().state()).isEqualTo(KafkaProjectionStatus.State.RUNNING);
      }
      assertThat(target.sourceOffsets(projection.id(), s.source())).extracting(SourceOffset::nextOffset)
          .allMatch(o -> o > 0);
    } finally {
      members.forEach(KafkaProjectionRunner::close);
    }
  }

  @Test
  void a_member_paused_past_its_poll_interval_cannot_commit_after_the_new_owner_did(LocalKafka kafka)
      throws Exception {
    String topic = "zombie-" + UUID.randomUUID();
    kafka.createTopic(topic, 4);
    List<StoredEvent> log = Accounts.log(4, 3_000, 30);
    Projection<MemoryTables> projection = Accounts.memory();
    KafkaProjectionSettings s = settings(kafka, topic).withKafkaProperty("max.poll.interval.ms", "3000");
    try (MemoryTarget shared = new MemoryTarget(); PausingTarget zombieView = new PausingTarget(shared);
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic)) {
      Accounts.publish(producer, topic, log.subList(0, 2_000), 100);
      try (KafkaProjectionRunner<MemoryTables> zombie = KafkaProjectionRunner.start(projection, zombieView, s)) {
        assertThat(zombieView.paused.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // Frozen before its first commit; it is dropped from the group after 3 s and the other member
        // takes every partition, including the records the zombie holds.
        try (KafkaProjectionRunner<MemoryTables> owner = KafkaProjectionRunner.start(projection, shared, s)) {
          await("the new owner applied the first 2000 events",
              () -> Accounts.events(memoryBalances(shared)) >= 2_000);
          zombieView.release.countDown();
          await("the zombie's commit refused", () -> zombieView.pausedCommitFailure.get() != null);
          assertThat(zombieView.pausedCommitFailure.get())
              .isInstanceOf(dev.annals.cqrs.projection.ProjectionTarget.SourceFencedException.class);
          Accounts.publish(producer, topic, log.subList(2_000, log.size()), 100);
          await("all events applied", () -> Accounts.events(memoryBalances(shared)) >= log.size());
          await("every partition applied", () -> target(shared, projection, s).stream()
              .mapToLong(SourceOffset::position).max().orElse(0) == log.size());
          assertThat(memoryBalances(shared)).isEqualTo(Accounts.fold(log));
          assertThat(owner.status().state()).isEqualTo(KafkaProjectionStatus.State.RUNNING);
          assertThat(zombie.status().state()).isEqualTo(KafkaProjectionStatus.State.RUNNING);
        }
      }
    }
  }

  private static List<SourceOffset> target(MemoryTarget t, Projection<MemoryTables> p, KafkaProjectionSettings s) {
    return t.sourceOffsets(p.id(), s.source());
  }

  @Test
  void await_applied_returns_once_the_streams_partition_has_applied_the_position_and_lag_reaches_zero(
      LocalKafka kafka, @TempDir Path dir) throws Exception {
    String topic = "await-" + UUID.randomUUID();
    kafka.createTopic(topic, 3);
    List<StoredEvent> log = Accounts.log(2, 1_500, 20);
    Projection<JdbcSession> projection = Accounts.jdbc();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (JdbcTarget target = JdbcTarget.sqlite(dir);
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic);
        KafkaProjectionRunner<JdbcSession> runner = KafkaProjectionRunner.start(projection, target, settings(kafka, topic));
        Connection reader = target.openReader()) {
      runner.metrics().bindTo(registry);
      Accounts.publish(producer, topic, log, 100);
      StoredEvent last = log.getLast();
      runner.awaitApplied(last.event().stream(), last.event().position(), WAIT);
      Accounts.Balance mine = Accounts.balances(reader).get(last.event().stream());
      assertThat(mine).isEqualTo(Accounts.fold(log).get(last.event().stream()));

      runner.awaitCaughtUp(WAIT);
      assertThat(Accounts.balances(reader)).isEqualTo(Accounts.fold(log));
      await("every partition applied and lag known as 0", () -> runner.lag().size() == 3
          && runner.lag().stream().allMatch(l -> l.lag() == 0));
      assertThat(Accounts.balances(reader)).isEqualTo(Accounts.fold(log));
      assertThat(registry.get("annals.kafka.projection.lag").tag("partition", "1").gauge().value()).isZero();
      assertThat(registry.get("annals.kafka.projection.partitions.assigned").gauge().value()).isEqualTo(3.0);

      long beyond = log.size() + 1;
      long started = System.nanoTime();
      assertThatThrownBy(() -> runner.awaitApplied("account-1", beyond, Duration.ofMillis(300)))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("has not applied position " + beyond + " of stream account-1 within 300 ms")
          .hasMessageContaining("partition " + KafkaPartitioning.partitionOf("account-1", 3) + " of topic");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }

  /** The balances projection, except that the event at {@code poison} always fails. */
  private static Projection<MemoryTables> failingAt(long poison) {
    Projection<MemoryTables> ok = Accounts.memory();
    return Projection.<MemoryTables>named("balances", 1)
        .tables("balances")
        .onAny((db, e) -> {
          if (e.position() == poison) {
            throw new IllegalArgumentException("cannot apply " + poison);
          }
          ok.apply(db, e);
        })
        .build();
  }

  @Test
  void a_failing_event_is_parked_after_its_attempts_and_the_others_are_applied(LocalKafka kafka) throws Exception {
    String topic = "park-" + UUID.randomUUID();
    kafka.createTopic(topic, 2);
    List<StoredEvent> log = Accounts.log(5, 600, 10);
    long poison = 321;
    KafkaProjectionSettings s = settings(kafka, topic).withFailurePolicy(new FailurePolicy(3, Duration.ofMillis(1),
        Duration.ofMillis(5), FailurePolicy.Exhausted.PARK));
    Projection<MemoryTables> projection = failingAt(poison);
    try (MemoryTarget target = new MemoryTarget();
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic);
        KafkaProjectionRunner<MemoryTables> runner = KafkaProjectionRunner.start(projection, target, s)) {
      Accounts.publish(producer, topic, log, 100);
      runner.awaitCaughtUp(WAIT);
      List<StoredEvent> applied = log.stream().filter(e -> e.event().position() != poison).toList();
      assertThat(memoryBalances(target)).isEqualTo(Accounts.fold(applied));
      assertThat(target.parked(projection.id())).singleElement().satisfies(p -> {
        assertThat(p.position()).isEqualTo(poison);
        assertThat(p.attempts()).isEqualTo(3);
        assertThat(p.error()).contains("cannot apply " + poison);
      });
      assertThat(runner.status().parked()).isEqualTo(1);
    }
  }

  @Test
  void with_a_stop_policy_a_failing_event_stops_the_member_before_it(LocalKafka kafka) throws Exception {
    String topic = "stop-" + UUID.randomUUID();
    kafka.createTopic(topic, 1);
    List<StoredEvent> log = Accounts.log(6, 300, 10);
    long poison = 123;
    KafkaProjectionSettings s = settings(kafka, topic).withFailurePolicy(new FailurePolicy(2, Duration.ofMillis(1),
        Duration.ofMillis(5), FailurePolicy.Exhausted.STOP));
    Projection<MemoryTables> projection = failingAt(poison);
    try (MemoryTarget target = new MemoryTarget();
        KafkaProducer<byte[], byte[]> producer = Accounts.producer(kafka.bootstrap(), "tx-" + topic);
        KafkaProjectionRunner<MemoryTables> runner = KafkaProjectionRunner.start(projection, target, s)) {
      Accounts.publish(producer, topic, log, 100);
      await("the member stopped", () -> runner.status().state() == KafkaProjectionStatus.State.FAILED);
      assertThat(runner.status().failure()).hasValueSatisfying(f -> assertThat(f)
          .contains("the event at position " + poison).contains("failed 2 times").contains("cannot apply " + poison));
      // Everything before the failing event is applied; nothing from it on.
      assertThat(Accounts.events(memoryBalances(target))).isLessThan(poison);
      SourceOffset stored = target.sourceOffsets(projection.id(), s.source()).getFirst();
      assertThat(stored.position()).isLessThan(poison);
      assertThat(memoryBalances(target)).isEqualTo(Accounts.fold(log.subList(0, (int) stored.position())));
      assertThatThrownBy(() -> runner.awaitApplied("account-1", poison, Duration.ofSeconds(5)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("position " + poison);
    }
  }

  @Test
  void an_unknown_topic_is_refused_with_its_name(LocalKafka kafka) {
    String topic = "missing-" + UUID.randomUUID();
    try (MemoryTarget target = new MemoryTarget()) {
      assertThatThrownBy(() -> KafkaProjectionRunner.start(Accounts.memory(), target, settings(kafka, topic)))
          .isInstanceOf(KafkaProjectionException.class)
          .hasMessage("topic '" + topic + "' does not exist on Kafka at " + kafka.bootstrap()
              + ": give the topic the exporter writes to (or create it)");
    }
  }

  @Test
  void an_unreachable_broker_is_refused_naming_the_address() {
    KafkaProjectionSettings s = KafkaProjectionSettings.of("127.0.0.1:1", "accounts", "g")
        .withConnectTimeout(Duration.ofSeconds(2));
    try (MemoryTarget target = new MemoryTarget()) {
      assertThatThrownBy(() -> KafkaProjectionRunner.start(Accounts.memory(), target, s))
          .isInstanceOf(KafkaProjectionException.class)
          .hasMessage("cannot reach Kafka at 127.0.0.1:1 within 2000 ms: check the bootstrap address and that the"
              + " broker is running");
    }
  }

  @Test
  void a_topic_with_another_partition_count_than_the_stored_offsets_is_refused(LocalKafka kafka, @TempDir Path dir) {
    String topic = "resized-" + UUID.randomUUID();
    kafka.createTopic(topic, 2);
    Projection<JdbcSession> projection = Accounts.jdbc();
    KafkaProjectionSettings s = settings(kafka, topic);
    try (JdbcTarget target = JdbcTarget.sqlite(dir)) {
      target.open(projection, 1);
      target.openSource(projection.id(), s.source(), 3); // built from a 3-partition topic of that name
      assertThatThrownBy(() -> KafkaProjectionRunner.start(projection, target, s))
          .isInstanceOf(KafkaProjectionException.class)
          .hasMessageContaining("topic '" + topic + "' has 2 partitions but projection balances v1 stored offsets"
              + " for 3 partitions of it");
    }
  }
}
