package dev.annals.bench;

import dev.annals.kafka.local.LocalKafka;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The in-process Kafka broker of one bench run, shared by every {@code kafka-*} row: started on first
 * use (rows that do not touch Kafka never pay for it), stopped and removed by {@link #close()}. Kafka
 * comes through Maven, so it is there on every machine; when it still cannot start, every Kafka row
 * reads why from {@link #availability()} and prints it as a skipped row, and the start is tried once per
 * run. Each row makes its own topics ({@link #topic}), so rows never read each other's records.
 * Thread-safe.
 */
public final class BenchKafka implements AutoCloseable {

  /** Whether the run has a broker, and if not, why. */
  sealed interface Availability {
    /** The broker is up. */
    record Up(LocalKafka kafka) implements Availability {}

    /** No broker: {@code why} says so in words for the row. */
    record Down(String why) implements Availability {}
  }

  /** Starts the broker on demand; the run's own, closed with this. */
  static BenchKafka startedOnDemand() {
    return new BenchKafka(null, null, true);
  }

  /** A broker somebody else owns (a test's); {@link #close()} leaves it running. */
  static BenchKafka of(LocalKafka kafka) {
    return new BenchKafka(kafka, null, false);
  }

  /** No broker for this run. */
  static BenchKafka none(String why) {
    return new BenchKafka(null, why, false);
  }

  private final boolean owned;
  private final AtomicInteger topics = new AtomicInteger();
  private @Nullable LocalKafka kafka;
  private @Nullable String down;

  private BenchKafka(@Nullable LocalKafka kafka, @Nullable String down, boolean owned) {
    this.kafka = kafka;
    this.down = down;
    this.owned = owned;
  }

  synchronized Availability availability() {
    if (kafka != null) {
      return new Availability.Up(kafka);
    }
    if (down != null || !owned) {
      return new Availability.Down(down != null ? down : "no Kafka was given to this run");
    }
    // Kafka's storage formatter prints its bootstrap metadata to System.out; the bench's stdout is its
    // table and JSON lines (the runner prints through its own stream, so only the formatter goes quiet)
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
    try {
      kafka = LocalKafka.start();
      return new Availability.Up(kafka);
    } catch (RuntimeException e) {
      down = "the in-process Kafka did not start: " + e.getMessage();
      return new Availability.Down(down);
    } finally {
      System.setOut(stdout);
    }
  }

  /** A topic name no other row of this run (or test of this JVM's broker) uses, e.g. {@code bench-export-3-...}. */
  String topic(String purpose) {
    return "bench-" + purpose + "-" + topics.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  @Override
  public synchronized void close() {
    if (owned && kafka != null) {
      kafka.close();
      kafka = null;
      down = "the run's Kafka was stopped";
    }
  }
}
