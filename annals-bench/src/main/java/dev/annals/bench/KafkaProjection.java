package dev.annals.bench;

import dev.annals.core.StoredEvent;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.kafka.KafkaPartitioning;
import dev.annals.kafka.KafkaProjectionRunner;
import dev.annals.kafka.KafkaProjectionSettings;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code kafka-projection}: the stream catalogue of {@code projection-rebuild-1m} (one upsert per event
 * into SQLite) built from a topic holding the exporter's records of a warm store, by a consumer group of
 * {@value #MEMBERS} members ({@link KafkaProjectionRunner}s in this JVM sharing one SQLite target, each
 * partition's offset committed with the rows), timed from starting the members to every partition applied
 * up to its last position ({@link KafkaProjectionRunner#awaitApplied}). Baseline in the same run: the same
 * projection fed from the store directly ({@link AsyncProjectionRunner} on the same log store, its
 * default units) into a fresh SQLite target. Both read models must count every event.
 */
final class KafkaProjection extends KafkaWorkload {

  static final int MEMBERS = 3;
  static final String STORE = "kafka-group-3+sqlite";
  static final String BASELINE = "store-runner+sqlite";

  KafkaProjection() {
    this(KafkaSizes::of);
  }

  KafkaProjection(Function<BenchEnv, KafkaSizes> sizes) {
    super(sizes);
  }

  @Override
  public String name() {
    return "kafka-projection";
  }

  @Override
  String store() {
    return STORE;
  }

  static Projection<JdbcSession> catalogue() {
    return Projection.<JdbcSession>named("catalogue", 1)
        .tables("stream_stats")
        .setup(db -> db.execute(ProjectionRebuild.CREATE_STATS))
        .onAny((db, e) -> db.write(ProjectionRebuild.UPSERT, e.stream(), e.position()))
        .build();
  }

  @Override
  BenchResult measure(BenchEnv env, LocalKafka kafka, KafkaSizes size) throws Exception {
    int n = size.projectionEvents();
    env.progress("warm store: " + n + " events, and a topic holding its exported records");
    Path dir = KafkaBench.warmStore(env, "kafka-projection", n);
    List<StoredEvent> stored = KafkaBench.storedEvents(dir);
    UUID storeId;
    try (LogEventStore store = Annals.open(dir)) {
      storeId = store.storeId();
    }
    String topic = KafkaExport.rawSend(env, kafka, storeId, stored, size.transactionSize()).topic();

    env.progress("baseline: the projection fed from the store directly");
    double baseSeconds;
    try (LogEventStore store = Annals.open(dir); JdbcTarget target = JdbcTarget.sqlite(env.newDir("kproj-store"))) {
      long t0 = System.nanoTime();
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store, catalogue(), target,
          RunnerOptions.defaults())) {
        if (!runner.awaitPosition(store.headPosition(), Duration.ofMinutes(10))) {
          throw new IllegalStateException("the store-fed projection did not reach the head");
        }
      }
      baseSeconds = (System.nanoTime() - t0) / 1e9;
      checkCount(target, n);
    }

    env.progress("engine: the projection fed by a consumer group of " + MEMBERS);
    FromKafka run = fromKafka(env, kafka, topic, stored, n);

    double eps = n / run.seconds();
    double baseEps = n / baseSeconds;
    String note = String.format(Locale.ROOT,
        "%d events on %d streams, %d partitions; one upsert per event into SQLite; %d group members in this JVM on one"
            + " target, offsets committed with the rows, timed from starting them (group joins included) to every"
            + " partition applied to its last position (first unit committed after %.0f ms, then %.0f events/s);"
            + " baseline: the same projection fed from the log store (AsyncProjectionRunner, units of %d), no Kafka;"
            + " both read models count every event; %s%s",
        n, KafkaBench.STREAMS, KafkaBench.PARTITIONS, MEMBERS, run.firstAppliedMillis(),
        n / (run.seconds() - run.firstAppliedMillis() / 1e3), RunnerOptions.defaults().maxBatch(),
        TransactionCycles.load(), size.suffix(env));
    return new BenchResult(name(), STORE, eps, Double.NaN, Double.NaN, BASELINE, baseEps, note);
  }

  private static FromKafka fromKafka(BenchEnv env, LocalKafka kafka, String topic, List<StoredEvent> stored, int n)
      throws Exception {
    // the last event of each partition: the group is done when each is applied
    StoredEvent[] last = new StoredEvent[KafkaBench.PARTITIONS];
    for (StoredEvent e : stored) {
      last[KafkaPartitioning.partitionOf(e.event().stream(), KafkaBench.PARTITIONS)] = e;
    }
    KafkaProjectionSettings settings = KafkaProjectionSettings.of(kafka.bootstrap(), topic, topic + "-group");
    Projection<JdbcSession> projection = catalogue();
    List<KafkaProjectionRunner<JdbcSession>> members = new ArrayList<>();
    try (JdbcTarget target = JdbcTarget.sqlite(env.newDir("kproj-kafka"))) {
      long t0 = System.nanoTime();
      long firstApplied;
      double seconds;
      try {
        for (int i = 0; i < MEMBERS; i++) {
          members.add(KafkaProjectionRunner.start(projection, target, settings));
        }
        firstApplied = awaitFirstApplied(members.getFirst()) - t0;
        for (StoredEvent e : last) {
          if (e != null) {
            members.getFirst().awaitApplied(e.event().stream(), e.event().position(), Duration.ofMinutes(10));
          }
        }
        seconds = (System.nanoTime() - t0) / 1e9;
      } finally {
        members.forEach(KafkaProjectionRunner::close);
      }
      checkCount(target, n);
      return new FromKafka(seconds, firstApplied / 1e6);
    }
  }

  /** The group's run: seconds from starting the members to the last event applied, and to the first. */
  record FromKafka(double seconds, double firstAppliedMillis) {}

  /** Waits until some partition has an event applied (the group has joined and committed a first unit). */
  private static long awaitFirstApplied(KafkaProjectionRunner<JdbcSession> member) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      for (int p = 0; p < member.partitions(); p++) {
        if (member.appliedPosition(p) > 0) {
          return System.nanoTime();
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the group applied nothing within 2 minutes");
  }

  /** Fails the row unless the read model counted every event. */
  static void checkCount(JdbcTarget target, int n) throws java.sql.SQLException {
    try (Connection c = target.openReader(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT SUM(events) FROM stream_stats")) {
      long counted = rs.next() ? rs.getLong(1) : 0;
      if (counted != n) {
        throw new IllegalStateException("the projection counted " + counted + " events, not " + n);
      }
    }
  }
}
