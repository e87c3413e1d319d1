package dev.annals.bench;

import dev.annals.kafka.local.LocalKafka;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A read_committed consumer on its own thread that takes the wall-clock send time out of each record's
 * value ({@code "sentUs":N}, see {@link PgLiveDelivery#payload}) and records how long ago that was when
 * the record arrived. The first {@code warmUp} records arrive uncounted; after {@code warmUp + measured}
 * it stops. Records of the same JVM's clock: no cross-process skew.
 */
final class CommittedLatency implements AutoCloseable {

  private final Latencies latencies = new Latencies();
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stop;
  private long max;
  private int received;

  /** Starts reading {@code topic} from its beginning; returns once the consumer has its partitions. */
  CommittedLatency(LocalKafka kafka, String topic, int warmUp, int measured) {
    KafkaConsumer<byte[], byte[]> consumer = KafkaBench.committedReader(kafka, topic);
    consumer.poll(Duration.ZERO); // joins nothing (no group) but fetches the start offsets now, not inside the run
    int total = warmUp + measured;
    thread = Thread.ofPlatform().name("committed-latency").start(() -> {
      try (consumer) {
        while (!stop && received < total) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            long now = PacedSender.wallMicros();
            if (received++ >= warmUp) {
              long us = now - sentMicros(r.value());
              latencies.record(us * 1_000);
              max = Math.max(max, us);
            }
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        done.countDown();
      }
    });
  }

  /** What arrived: percentiles in microseconds. */
  record Received(double p50Us, double p99Us, double maxUs, int count) {}

  /** Waits until every record has arrived (at most {@code seconds}), then reports. */
  Received result(long seconds) throws InterruptedException {
    if (!done.await(seconds, TimeUnit.SECONDS)) {
      stop = true;
      thread.join();
      throw new IllegalStateException("the committed reader received " + received + " records in " + seconds + " s");
    }
    thread.join();
    if (failure.get() != null) {
      throw new IllegalStateException("the committed reader failed: " + failure.get(), failure.get());
    }
    return new Received(latencies.percentileUs(50), latencies.percentileUs(99), max, latencies.count());
  }

  /** 256 bytes of JSON data carrying the sender's wall clock: {@code {"sentUs":N,"v":"xx..."}}. */
  static byte[] payload(long sentUs) {
    StringBuilder sb = new StringBuilder("{\"sentUs\":").append(sentUs).append(",\"v\":\"");
    while (sb.length() < LogBench.EVENT_BYTES - 2) {
      sb.append('x');
    }
    return sb.append("\"}").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static long sentMicros(byte[] data) {
    byte[] key = "\"sentUs\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int at = 0; at + key.length <= data.length; at++) {
      for (int k = 0; k < key.length; k++) {
        if (data[at + k] != key[k]) {
          continue outer;
        }
      }
      long v = 0;
      for (int i = at + key.length; i < data.length && data[i] >= '0' && data[i] <= '9'; i++) {
        v = v * 10 + (data[i] - '0');
      }
      return v;
    }
    throw new IllegalStateException("a record carries no \"sentUs\"");
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join();
  }
}
