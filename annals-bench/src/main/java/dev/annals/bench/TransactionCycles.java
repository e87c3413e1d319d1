package dev.annals.bench;

import dev.annals.kafka.local.LocalKafka;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * How often a transactional sender committed, read afterwards from its progress topic: each transaction
 * writes one progress record, last, just before its commit, so the record timestamps (the producer's
 * clock) give the number of transactions and the time between consecutive commits. Where a latency row's
 * time goes, without instrumenting the exporter.
 *
 * @param transactions progress records at or after the start of the measured window
 * @param p50Ms median time between consecutive commits
 * @param p99Ms 99th percentile of it
 * @param maxMs the longest gap
 */
record TransactionCycles(int transactions, double p50Ms, double p99Ms, double maxMs) {

  /** Reads {@code progressTopic} (read_committed) to its end and measures the commits since {@code sinceMillis}. */
  static TransactionCycles read(LocalKafka kafka, String progressTopic, long sinceMillis) {
    List<Long> stamps = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = KafkaBench.committedReader(kafka, progressTopic)) {
      var parts = c.assignment();
      var end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (r.timestamp() >= sinceMillis) {
            stamps.add(r.timestamp());
          }
        }
      }
    }
    stamps.sort(Long::compare);
    Latencies gaps = new Latencies();
    long max = 0;
    for (int i = 1; i < stamps.size(); i++) {
      long gap = stamps.get(i) - stamps.get(i - 1);
      gaps.record(gap * 1_000_000);
      max = Math.max(max, gap);
    }
    return new TransactionCycles(stamps.size(), gaps.percentileUs(50) / 1e3, gaps.percentileUs(99) / 1e3, max);
  }

  /** "3120 transactions of 32.1 events, a commit every 9 ms (p99 41 ms, max 120 ms)". */
  String text(int events) {
    return String.format(Locale.ROOT, "%d transactions of %.1f events, a commit every %.0f ms (p99 %.0f ms, max %.0f ms)",
        transactions, transactions == 0 ? 0.0 : (double) events / transactions, p50Ms, p99Ms, maxMs);
  }

  /** The machine's load average over the last minute and its cores, e.g. "load average 9.9 on 2 cores". */
  static String load() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return String.format(Locale.ROOT, "load average %.1f on %d cores", os.getSystemLoadAverage(),
        os.getAvailableProcessors());
  }
}
