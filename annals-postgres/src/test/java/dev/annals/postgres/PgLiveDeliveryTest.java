package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How subscribers on PostgreSQL learn of commits: LISTEN/NOTIFY wakes them, polling the head stands in
 * for a notification that never comes, and a reader with its own connections (as in another process)
 * sees every writer's events in order.
 */
@ExtendWith(TestPostgres.class)
class PgLiveDeliveryTest {

  private RowWriter rows;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void open(LocalPostgres server) {
    rows = RowWriter.create(server, server.createDatabase());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    rows.close();
  }

  private ReadSide reads(Duration poll, boolean listen) {
    ReadSide r = rows.readSide(poll, listen);
    opened.add(r);
    return r;
  }

  /** Collects delivered events. */
  static class Collector implements EventHandler {
    private final List<RecordedEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(RecordedEvent event) {
      events.add(event);
      notifyAll();
    }

    synchronized List<RecordedEvent> awaitCount(int n, Duration patience) throws InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (events.size() < n && System.nanoTime() < deadline) {
        wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return List.copyOf(events);
    }

    synchronized int count() {
      return events.size();
    }
  }

  private static List<EventData> events(int n) {
    return IntStream.range(0, n).mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}")).toList();
  }

  static void assertGapFree(List<RecordedEvent> got, int count) {
    assertThat(got).extracting(RecordedEvent::position)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, count).mapToObj(i -> (long) i).toList());
  }

  @Test
  void notifications_wake_subscribers_long_before_the_poll_would() throws Exception {
    ReadSide reads = reads(Duration.ofMinutes(5), true);
    rows.append("a-1", events(3));
    Collector got = new Collector();
    Subscription s = reads.subscribeToAll(1, Filter.all(), got);
    opened.add(s);
    assertThat(got.awaitCount(3, Duration.ofSeconds(10))).hasSize(3);
    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      rows.append("a-" + i, events(2));
      assertThat(got.awaitCount(5 + 2 * i, Duration.ofSeconds(10))).hasSize(5 + 2 * i);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertGapFree(got.awaitCount(13, Duration.ofSeconds(1)), 13);
    assertThat(reads.watcher().notifications()).isPositive();
  }

  @Test
  void without_notifications_polling_the_head_still_delivers_everything_in_order() throws Exception {
    ReadSide reads = reads(Duration.ofMillis(100), false);
    Collector got = new Collector();
    opened.add(reads.subscribeToAll(1, Filter.all(), got));
    for (int i = 0; i < 20; i++) {
      rows.append("s-" + (i % 3), events(1 + i % 4), Optional.empty(), false);
    }
    int total = IntStream.range(0, 20).map(i -> 1 + i % 4).sum();
    assertGapFree(got.awaitCount(total, Duration.ofSeconds(20)), total);
    assertThat(reads.watcher().notifications()).isZero();
    assertThat(reads.watcher().polls()).isPositive();
  }

  @Test
  void lost_notifications_only_delay_a_listening_subscriber() throws Exception {
    ReadSide reads = reads(Duration.ofMillis(200), true);
    Collector got = new Collector();
    opened.add(reads.subscribeToAll(1, Filter.all(), got));
    rows.append("s-1", events(4), Optional.empty(), false); // this writer "loses" its notification
    assertGapFree(got.awaitCount(4, Duration.ofSeconds(10)), 4);
  }

  @Test
  void a_reader_with_its_own_connections_sees_every_writers_events_live_in_order() throws Exception {
    ReadSide first = reads(Duration.ofSeconds(30), true);
    try (var otherPool = RowWriter.pool(rows.poolUrl(), rows.schema())) {
      ReadSide second = new ReadSide(otherPool, rows.opener(), rows.schema(), rows.channel(),
          dev.annals.core.Limits.defaults(), Duration.ofSeconds(30), true);
      Collector a = new Collector();
      Collector b = new Collector();
      Collector stream = new Collector();
      opened.add(first.subscribeToAll(1, Filter.all(), a));
      Subscription sb = second.subscribeToAll(1, Filter.all(), b);
      Subscription ss = second.subscribeToStream("shared-1", 1, stream);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int writer = w;
        writers.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < 30; i++) {
            rows.append(i % 2 == 0 ? "shared-1" : "own-" + writer, events(1 + i % 3));
          }
        }));
      }
      for (Thread t : writers) {
        t.join();
      }
      int total = 3 * IntStream.range(0, 30).map(i -> 1 + i % 3).sum();
      assertGapFree(a.awaitCount(total, Duration.ofSeconds(20)), total);
      assertGapFree(b.awaitCount(total, Duration.ofSeconds(20)), total);
      long sharedCount = second.streamVersion("shared-1");
      assertThat(stream.awaitCount((int) sharedCount, Duration.ofSeconds(20))).extracting(RecordedEvent::version)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, (int) sharedCount).mapToObj(i -> (long) i).toList());
      ss.close();
      sb.close();
      second.close();
    }
  }

  @Test
  void after_close_reads_and_new_subscriptions_fail_as_unavailable_and_running_ones_stop() throws Exception {
    ReadSide reads = rows.readSide();
    Subscription s = reads.subscribeToAll(1, Filter.all(), new Collector());
    reads.close();
    assertThat(s.isStopped()).isTrue();
    assertThat(s.failure()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(reads::headPosition)
        .isInstanceOf(dev.annals.core.StoreUnavailableException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> reads.subscribeToAll(1, Filter.all(), new Collector()))
        .isInstanceOf(dev.annals.core.StoreUnavailableException.class);
  }
}
