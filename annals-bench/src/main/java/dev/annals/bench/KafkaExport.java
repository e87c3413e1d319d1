package dev.annals.bench;

import dev.annals.core.StoredEvent;
import dev.annals.kafka.CloudEventsFormat;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import dev.annals.kafka.KafkaExporter;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * {@code kafka-export}: events per second the exporter publishes from a warm log store (filled before,
 * closed and reopened), from position 1 until its committed position reaches the head, timed from
 * {@link KafkaExporter#start} to the status saying so. Baseline in the same run, on the same broker: a raw
 * transactional producer sending the same records ({@link CloudEventsFormat#toRecord} of the same stored
 * events) plus one progress record per transaction, with the same transaction size, timed from creating
 * the producer to the last commit. Each side writes to topics of its own; both are then read back
 * read_committed, and the exporter's topic must hold every position once. Target (issue 21): at least
 * 0.7x the raw producer.
 */
final class KafkaExport extends KafkaWorkload {

  static final String STORE = "log+exporter";
  static final String BASELINE = "raw-tx-producer";

  KafkaExport() {
    this(KafkaSizes::of);
  }

  KafkaExport(Function<BenchEnv, KafkaSizes> sizes) {
    super(sizes);
  }

  @Override
  public String name() {
    return "kafka-export";
  }

  @Override
  String store() {
    return STORE;
  }

  @Override
  BenchResult measure(BenchEnv env, LocalKafka kafka, KafkaSizes size) throws Exception {
    int n = size.exportEvents();
    int tx = size.transactionSize();
    env.progress("warm store: " + n + " events");
    Path dir = KafkaBench.warmStore(env, "kafka-export", n);
    List<StoredEvent> stored = KafkaBench.storedEvents(dir);
    UUID storeId;
    try (LogEventStore store = Annals.open(dir)) {
      storeId = store.storeId();
    }

    int warmUp = Math.min(n, size.exportWarmUp());
    if (warmUp > 0) {
      env.progress("JIT warm-up, untimed: the raw producer and the exporter, " + warmUp + " events each");
      rawSend(env, kafka, storeId, stored.subList(0, warmUp), tx);
      export(env, kafka, dir, warmUp, tx);
    }
    int rounds = size.exportRounds();
    // two rounds, raw first then the exporter first, the faster of each side kept: on a shared machine a
    // burst of other work, or whatever the previous side left to the GC, would otherwise decide the ratio
    @Nullable Raw raw = null;
    @Nullable Exported exported = null;
    for (int round = 1; round <= rounds; round++) {
      Raw r;
      Exported x;
      if (round % 2 == 1) {
        r = rawRound(env, kafka, storeId, stored, tx, round);
        x = exportRound(env, kafka, dir, n, tx, round);
      } else {
        x = exportRound(env, kafka, dir, n, tx, round);
        r = rawRound(env, kafka, storeId, stored, tx, round);
      }
      raw = raw == null || r.seconds() < raw.seconds() ? r : raw;
      exported = exported == null || x.seconds() < exported.seconds() ? x : exported;
      env.progress(String.format(Locale.ROOT, "round %d: exporter %.0f events/s (%s), raw producer %.0f events/s (%s)",
          round, n / x.seconds(), x.batching(), n / r.seconds(), r.batching()));
    }

    double eps = n / exported.seconds();
    double baseEps = n / raw.seconds();
    PgTargets targets = PgTargets.none().ratioAtLeast(eps / baseEps, 0.7);
    String note = String.format(Locale.ROOT,
        "%d events (~%d B per record with headers) on %d partitions, %d per transaction, best of %d rounds each; exporter timed from start"
            + " to its committed position at the head (first commit after %.0f ms), read back read_committed, every"
            + " position once; baseline: the same records + a progress record per transaction, timed from creating"
            + " the producer (%.0f ms to initTransactions) to the last commit; producer batching: exporter %s, raw %s;"
            + " %s; %s%s",
        n, KafkaBench.recordBytes(stored.get(stored.size() / 2)), KafkaBench.PARTITIONS, tx, rounds,
        exported.firstCommitMillis(), raw.initMillis(), exported.batching(), raw.batching(), TransactionCycles.load(),
        targets.text(), size.suffix(env));
    return new BenchResult(name(), STORE, eps, Double.NaN, Double.NaN, BASELINE, baseEps, note);
  }

  record Raw(String topic, double seconds, double initMillis, String batching) {}

  record Exported(String topic, double seconds, double firstCommitMillis, String batching) {}

  private static Raw rawRound(BenchEnv env, LocalKafka kafka, UUID storeId, List<StoredEvent> stored, int tx, int round) {
    env.progress("round " + round + " baseline: raw transactional producer, " + tx + " events per transaction");
    Raw r = rawSend(env, kafka, storeId, stored, tx);
    KafkaBench.checkExactlyOnce(kafka, r.topic(), stored.size(), Duration.ofMinutes(2));
    return r;
  }

  private static Exported exportRound(BenchEnv env, LocalKafka kafka, Path dir, int n, int tx, int round) {
    env.progress("round " + round + " exporter: from position 1 to the head");
    Exported x = export(env, kafka, dir, n, tx);
    KafkaBench.checkExactlyOnce(kafka, x.topic(), n, Duration.ofMinutes(2));
    return x;
  }

  static Raw rawSend(BenchEnv env, LocalKafka kafka, UUID storeId, List<StoredEvent> stored, int tx) {
    String topic = env.kafka().topic("export-raw");
    KafkaBench.createTopics(kafka, topic, topic + ExportSettings.PROGRESS_SUFFIX);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(stored.size());
    for (StoredEvent e : stored) {
      records.add(CloudEventsFormat.toRecord(topic, storeId, e));
    }
    long t0 = System.nanoTime();
    double initMillis;
    String batching;
    try (KafkaProducer<byte[], byte[]> p = KafkaBench.transactionalProducer(kafka, topic + "-tx")) {
      p.initTransactions();
      initMillis = (System.nanoTime() - t0) / 1e6;
      for (int from = 0; from < records.size(); from += tx) {
        int to = Math.min(records.size(), from + tx);
        p.beginTransaction();
        for (int i = from; i < to; i++) {
          p.send(records.get(i));
        }
        StoredEvent last = stored.get(to - 1);
        p.send(KafkaBench.progressRecord(topic, storeId, last.event().position(), last.chainHash()));
        p.commitTransaction();
      }
      batching = KafkaBench.batching(topic + "-tx");
    }
    return new Raw(topic, (System.nanoTime() - t0) / 1e9, initMillis, batching);
  }

  /** Exports the store in {@code dir} to a new topic until at least {@code upTo} is committed, timed from the start. */
  private static Exported export(BenchEnv env, LocalKafka kafka, Path dir, int upTo, int tx) {
    String topic = env.kafka().topic("export");
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(tx);
    KafkaBench.createTopic(kafka, topic); // the exporter creates its progress topic
    try (LogEventStore store = Annals.open(dir)) {
      long head = upTo;
      long t0 = System.nanoTime();
      long firstCommit = 0;
      try (KafkaExporter exporter = KafkaExporter.start(store, settings)) {
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (true) {
          ExportStatus s = exporter.status();
          if (s.state() == ExportStatus.State.FAILED) {
            throw new IllegalStateException("the exporter failed: " + s.failure().orElse("(no reason given)"));
          }
          if (firstCommit == 0 && s.exportedPosition() > 0) {
            firstCommit = System.nanoTime();
          }
          if (s.exportedPosition() >= head) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the exporter reached " + s.exportedPosition() + " of " + head + " in 5 min");
          }
          LockSupport.parkNanos(200_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the exporter's producer has its transactional id as client id: annals-export-STOREID-TOPIC
        return new Exported(topic, seconds, (firstCommit - t0) / 1e6, KafkaBench.batching(
            "annals-export-" + store.storeId() + "-" + topic));
      }
    }
  }
}
