package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.KafkaExportException;
import dev.annals.kafka.KafkaExporter;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.TestPostgres;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly once through crashes: {@code annals kafka-export --store URL} runs in a child JVM and is SIGKILLed
 * at random moments ({@value #KILLS} times: during its start, its fencing and resuming, and mid-transaction)
 * while writers in this JVM append to the same PostgreSQL store. Then one last exporter catches up, and a
 * plain {@code read_committed} consumer must see every event of the log exactly once, each record the event
 * at its position, and each stream's versions in order and gap-free.
 */
@ExtendWith({TestPostgres.class, CliKafka.class})
class KafkaExportCrashTest {

  static final int KILLS = 30;
  static final int WRITERS = 4;
  static final int STREAMS = 20;

  @Test
  void every_event_reaches_kafka_exactly_once_through_sigkills_of_the_exporter(LocalPostgres postgres, LocalKafka kafka)
      throws Exception {
    String url = postgres.url(postgres.createDatabase()).toString();
    String topic = KafkaExportCommandTest.topic(kafka);
    try (PostgresEventStore store = PostgresEventStore.open(url)) {
      AtomicBoolean stop = new AtomicBoolean();
      Queue<Throwable> writeErrors = new ConcurrentLinkedQueue<>();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        writers.add(Thread.ofVirtual().start(() -> write(store, stop, writeErrors)));
      }
      int whileExporting = 0;
      long t0 = System.nanoTime();
      for (int kill = 0; kill < KILLS; kill++) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (ExportProcess export = new ExportProcess("--store", url, "--bootstrap", kafka.bootstrap(), "--topic", topic)) {
          if (kill % 2 == 0) {
            Thread.sleep(rnd.nextLong(300, 1500)); // from the spawn: JVM start, checks, fencing, resuming or exporting
          } else {
            assertThat(export.awaitExporting(60)).as("kill %d: the exporter starts: %s", kill, export.output()).isTrue();
            Thread.sleep(rnd.nextLong(0, 1000)); // while exporting: mid-transaction or between two
          }
          assertThat(export.process.isAlive()).as("kill %d: the exporter is still running: %s", kill, export.output())
              .isTrue();
          if (export.output().contains("annals: exporting ")) {
            whileExporting++;
          }
          export.kill();
        }
      }
      stop.set(true);
      for (Thread t : writers) {
        t.join(30_000);
      }
      assertThat(writeErrors).as("appends failed").isEmpty();
      long head = store.headPosition();
      catchUp(store, ExportSettings.of(kafka.bootstrap(), topic));
      List<ExportedRecords.Exported> seen = ExportedRecords.readAll(kafka.bootstrap(), topic);
      System.out.printf("KafkaExportCrashTest: %d SIGKILLs (%d while exporting), %d events appended, %d records read,"
          + " %.0f s%n", KILLS, whileExporting, head, seen.size(), (System.nanoTime() - t0) / 1e9);
      check(store, seen);
    }
  }

  /** Appends 1 to 3 events to a random stream, about 100 times a second, until told to stop. */
  private static void write(PostgresEventStore store, AtomicBoolean stop, Queue<Throwable> errors) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    try {
      while (!stop.get()) {
        List<EventData> batch = new ArrayList<>();
        for (int i = rnd.nextInt(1, 4); i > 0; i--) {
          batch.add(new EventData(UUID.randomUUID(), "Ticked", Json.of("{\"n\":" + rnd.nextInt(1000) + "}"),
              Json.EMPTY_OBJECT, Optional.empty()));
        }
        store.append("crash-" + rnd.nextInt(STREAMS), ExpectedVersion.ANY, batch);
        Thread.sleep(rnd.nextLong(5, 15));
      }
    } catch (Throwable e) {
      errors.add(e);
    }
  }

  /** Runs an exporter here until everything the store holds is in Kafka, then stops it cleanly. */
  private static void catchUp(PostgresEventStore store, ExportSettings settings) throws InterruptedException {
    long head = store.headPosition();
    KafkaExporter exporter = start(store, settings);
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (exporter.status().exportedPosition() < head) {
        assertThat(System.nanoTime()).as("caught up in time: %s", exporter.status()).isLessThan(deadline);
        assertThat(exporter.status().failure()).isEmpty();
        Thread.sleep(50);
      }
    } finally {
      exporter.close();
    }
  }

  /** The last SIGKILLed exporter's database session may take a moment to end and release the export role. */
  private static KafkaExporter start(PostgresEventStore store, ExportSettings settings) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try {
        return KafkaExporter.start(store, settings);
      } catch (KafkaExportException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Every position of the log exactly once, each the event stored there; each stream's versions 1..n in order. */
  private static void check(PostgresEventStore store, List<ExportedRecords.Exported> seen) {
    Map<Long, ExportedRecords.Exported> byPosition = new HashMap<>();
    List<Long> duplicates = new ArrayList<>();
    for (ExportedRecords.Exported r : seen) {
      if (byPosition.put(r.position(), r) != null) {
        duplicates.add(r.position());
      }
    }
    assertThat(duplicates).as("positions exported more than once").isEmpty();
    long position = 1;
    long head = store.headPosition();
    while (position <= head) {
      Page page = store.readAll(position, Direction.FORWARD, 1000, Filter.all());
      assertThat(page.events()).as("the log from position %d", position).isNotEmpty();
      for (RecordedEvent e : page.events()) {
        ExportedRecords.Exported r = byPosition.remove(e.position());
        assertThat(r).as("position %d (of %d) is in Kafka", e.position(), head).isNotNull();
        assertThat(r.headers()).as("position %d", e.position()).containsEntry("ce_id", e.id().toString());
        assertThat(r.stream()).isEqualTo(e.stream());
        assertThat(r.version()).isEqualTo(e.version());
        assertThat(r.data()).isEqualTo(e.data().bytes());
        position = e.position() + 1;
      }
    }
    assertThat(byPosition.keySet()).as("records beyond the log").isEmpty();
    Map<String, Long> lastVersion = new HashMap<>();
    for (ExportedRecords.Exported r : seen) { // partition by partition, in offset order
      long expected = lastVersion.getOrDefault(r.stream(), 0L) + 1;
      assertThat(r.version()).as("%s: versions in order, gap-free", r.stream()).isEqualTo(expected);
      lastVersion.put(r.stream(), expected);
    }
  }
}
