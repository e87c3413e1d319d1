package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers that follow an index to an event the writer has just published find its record. The writer
 * used to publish a stream's new position before the segment's readable end, so a reader racing it
 * (the newest event of a stream, a listing, a live stream subscription) read past that end and took
 * the short read for damage: a {@code CorruptLogException} on a healthy log. Racy by nature: without
 * the fix it failed within about 2 s in every run here; it runs for a few seconds and stops at the
 * first error.
 */
class ReadersRacingTheWriterTest {

  private static final Duration RUN = Duration.ofSeconds(4);

  @Test
  void the_newest_event_of_a_stream_a_listing_and_a_stream_subscription_always_read_back() throws Exception {
    try (LogEventStore store = TestStores.open(LogOptions.defaults().withSegmentBytes(256 * 1024))) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> error = new AtomicReference<>();
      AtomicLong reads = new AtomicLong();
      AtomicLong nextVersion = new AtomicLong(1);
      Subscription sub = store.subscribeToStream("s-1", 1, e -> {
        if (e.version() != nextVersion.getAndIncrement()) {
          error.compareAndSet(null, new AssertionError("stream subscription: version " + e.version()));
        }
      });
      List<Thread> readers = new ArrayList<>();
      readers.add(Thread.ofPlatform().start(() -> {
        try {
          while (!stop.get()) {
            long v = store.streamVersion("s-1");
            if (v > 0) {
              assertThat(store.readStream("s-1", v, Direction.BACKWARD, 1).events()).hasSize(1);
              reads.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }));
      readers.add(Thread.ofPlatform().start(() -> {
        try {
          while (!stop.get()) {
            store.listStreams(dev.annals.core.StreamQuery.all(), 10);
            reads.incrementAndGet();
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }));
      long deadline = System.nanoTime() + RUN.toNanos();
      long appends = 0;
      while (System.nanoTime() < deadline && error.get() == null && !sub.isStopped()) {
        store.append(appends % 2 == 0 ? "s-1" : "l-" + (appends % 7), ExpectedVersion.ANY, LogTesting.events(1));
        appends++;
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
      assertThat(error.get()).as("after %d appends and %d reads", appends, reads.get()).isNull();
      assertThat(sub.failure()).isEmpty();
      assertThat(reads.get()).isPositive();
      sub.close();
    }
  }
}
