package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import dev.annals.kafka.KafkaExporter;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code kafka-end-to-end}: single-event appends to a log store ({@code fsync=always}) at a paced 10,000
 * per second (open loop, {@value #SENDERS} threads) while the exporter publishes them; latency is from
 * just before the append call to the record's arrival at a read_committed consumer (the wall clock
 * carried in the event's data, same JVM). Baseline, same run, same broker: the same payloads handed at the
 * same pace to one raw transactional producer that commits whatever has arrived, up to the same
 * transaction size, in a loop, read by the same consumer: Kafka's own floor for exactly-once delivery at
 * this rate, without a store. Target (issue 21): p99 at most 50 ms.
 */
final class KafkaEndToEnd extends KafkaWorkload {

  /** Enough that 10,000 appends/s hold while each waits for its group's fsync (a few ms on a busy disk). */
  private static final int SENDERS = 64;
  private static final int STREAMS = 1_000;
  static final String STORE = "log(fsync=always)+exporter";
  static final String BASELINE = "raw-tx-producer-loop";

  KafkaEndToEnd() {
    this(KafkaSizes::of);
  }

  KafkaEndToEnd(Function<BenchEnv, KafkaSizes> sizes) {
    super(sizes);
  }

  @Override
  public String name() {
    return "kafka-end-to-end";
  }

  @Override
  String store() {
    return STORE;
  }

  @Override
  BenchResult measure(BenchEnv env, LocalKafka kafka, KafkaSizes size) throws Exception {
    int warm = size.liveWarmUp();
    int measured = size.liveEvents();
    int rate = size.liveRate();
    long patience = 60 + 2L * (warm + measured) / rate;

    env.progress("baseline: " + rate + " sends/s to a raw transactional producer loop, read_committed consumer");
    Run raw = raw(env, kafka, warm, measured, rate, size.transactionSize(), patience);
    env.progress("engine: " + rate + " appends/s to the log, the exporter, a read_committed consumer");
    Run engine = engine(env, kafka, warm, measured, rate, size.transactionSize(), patience);

    PgTargets targets = PgTargets.none().p99AtMostMs(engine.got().p99Us(), 50);
    String note = String.format(Locale.ROOT,
        "%d single-event appends of %d B at %d/s from %d threads over %d streams (after %d warm-up), %d started"
            + " over 1 ms late; achieved %.0f appends/s; latency = append call to a read_committed consumer (wall"
            + " clock, same JVM): p50 %.1f ms, p99 %.1f ms, max %.1f ms; the append call itself p50 %.1f ms, p99 %.1f"
            + " ms; baseline (raw transactional producer committing what has arrived, up to %d per transaction):"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms; where the time goes: the exporter made %s, its lag behind the"
            + " head sampled every 5 ms %s; the raw producer made %s; %s; %s%s",
        measured, LogBench.EVENT_BYTES, rate, SENDERS, STREAMS, warm, engine.sent().late(), engine.sent().perSecond(),
        engine.got().p50Us() / 1e3, engine.got().p99Us() / 1e3, engine.got().maxUs() / 1e3,
        engine.sent().calls().percentileUs(50) / 1e3, engine.sent().calls().percentileUs(99) / 1e3,
        size.transactionSize(), raw.got().p50Us() / 1e3, raw.got().p99Us() / 1e3, raw.got().maxUs() / 1e3,
        engine.cycles().text(measured), engine.senderLag(), raw.cycles().text(measured), TransactionCycles.load(),
        targets.text(),
        size.suffix(env));
    return new BenchResult(name(), STORE, engine.sent().perSecond(), engine.got().p50Us(), engine.got().p99Us(),
        BASELINE, raw.sent().perSecond(), note);
  }

  /**
   * One side's run: the sends, what the consumer received, the transactions in the measured window, and how
   * far the sender (the exporter) lagged behind the store's head while it ran.
   */
  record Run(PacedSender.Outcome sent, CommittedLatency.Received got, TransactionCycles cycles, String senderLag) {}

  private static Run engine(BenchEnv env, LocalKafka kafka, int warm, int measured, int rate, int tx, long patience)
      throws Exception {
    String topic = env.kafka().topic("live");
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(tx);
    KafkaBench.createTopic(kafka, topic); // the exporter creates its progress topic
    try (LogEventStore store = Annals.open(env.newDir("kafka-live"), LogOptions.defaults());
        KafkaExporter exporter = KafkaExporter.start(store, settings);
        CommittedLatency reader = new CommittedLatency(kafka, topic, warm, measured)) {
      long since = System.currentTimeMillis() + 1_000L * warm / rate;
      LagSampler lag = new LagSampler(() -> exporter.status().lag());
      PacedSender.Outcome sent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        long sentUs = PacedSender.wallMicros();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        store.append("live-" + seq % STREAMS, ExpectedVersion.ANY, List.of(new EventData(new UUID(rnd.nextLong(),
            rnd.nextLong()), "Bench", Json.trusted(CommittedLatency.payload(sentUs)), Json.EMPTY_OBJECT,
            Optional.empty())));
      });
      CommittedLatency.Received got;
      try {
        got = reader.result(patience);
        lag.close();
      } catch (IllegalStateException late) {
        ExportStatus s = exporter.status();
        throw new IllegalStateException(late.getMessage() + "; the exporter: " + s.state() + " at "
            + s.exportedPosition() + " of " + s.headPosition() + s.failure().map(f -> ", " + f).orElse(""), late);
      }
      return new Run(sent, got, TransactionCycles.read(kafka, settings.progressTopic(), since), lag.text());
    }
  }

  private static Run raw(BenchEnv env, LocalKafka kafka, int warm, int measured, int rate, int tx, long patience)
      throws Exception {
    String topic = env.kafka().topic("live-raw");
    KafkaBench.createTopics(kafka, topic, topic + ExportSettings.PROGRESS_SUFFIX);
    UUID storeId = UUID.randomUUID();
    byte[] hash = new byte[32];
    LinkedBlockingQueue<ProducerRecord<byte[], byte[]>> queue = new LinkedBlockingQueue<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    int total = warm + measured;
    try (KafkaProducer<byte[], byte[]> producer = KafkaBench.transactionalProducer(kafka, topic + "-tx");
        CommittedLatency reader = new CommittedLatency(kafka, topic, warm, measured)) {
      producer.initTransactions();
      Thread loop = Thread.ofPlatform().name("raw-tx-loop").start(() -> {
        try {
          List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(tx);
          for (int sent = 0; sent < total; ) {
            ProducerRecord<byte[], byte[]> first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
              continue;
            }
            batch.add(first);
            queue.drainTo(batch, tx - 1);
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : batch) {
              producer.send(r);
            }
            sent += batch.size();
            producer.send(KafkaBench.progressRecord(topic, storeId, sent, hash));
            producer.commitTransaction();
            batch.clear();
          }
        } catch (Throwable t) {
          failed.set(t);
        }
      });
      long since = System.currentTimeMillis() + 1_000L * warm / rate;
      PacedSender.Outcome sent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        byte[] stream = ("live-" + seq % STREAMS).getBytes(StandardCharsets.UTF_8);
        queue.add(new ProducerRecord<>(topic, stream, CommittedLatency.payload(PacedSender.wallMicros())));
      });
      loop.join(patience * 1_000);
      if (failed.get() != null) {
        throw new IllegalStateException("the raw producer loop failed: " + failed.get(), failed.get());
      }
      CommittedLatency.Received got = reader.result(patience);
      return new Run(sent, got, TransactionCycles.read(kafka, topic + ExportSettings.PROGRESS_SUFFIX, since),
          "(not sampled)");
    }
  }
}
