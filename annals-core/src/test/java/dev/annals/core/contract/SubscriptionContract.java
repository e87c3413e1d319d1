package dev.annals.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions (design §2): catch-up then live, every matching event exactly once and in order, under
 * concurrent appends; slow subscribers never block writers and never miss events.
 */
public abstract class SubscriptionContract extends ContractBase {

  /** How long a test waits for deliveries before failing. */
  protected Duration patience() {
    return Duration.ofSeconds(30);
  }

  /** Collects deliveries; thread-safe. */
  protected static final class Collector {
    final List<RecordedEvent> events = Collections.synchronizedList(new ArrayList<>());

    void add(RecordedEvent e) {
      events.add(e);
    }

    List<RecordedEvent> snapshot() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    void awaitCount(int n, Duration patience) throws InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (events.size() < n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("got " + events.size() + " of " + n + " events within " + patience);
        }
        Thread.sleep(2);
      }
    }
  }

  /** Appends {@code perThread} single events from each of {@code threads} threads to streams {@code s-<t>}. */
  protected void appendConcurrently(int threads, int perThread, String prefix) throws Exception {
    List<Thread> workers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      String stream = prefix + "-" + t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < perThread; i++) {
            store.append(stream, ExpectedVersion.ANY, event(i));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      th.start();
      workers.add(th);
    }
    go.countDown();
    for (Thread th : workers) {
      th.join();
    }
    assertThat(failures).isEmpty();
  }

  private static void assertStrictlyIncreasingPositions(List<RecordedEvent> got) {
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i).position()).as("position at delivery %d", i).isGreaterThan(got.get(i - 1).position());
    }
  }

  @Test
  void subscription_to_all_catches_up_then_goes_live_without_gap_or_duplicate_under_concurrent_appends()
      throws Exception {
    appendConcurrently(4, 50, "before");
    Collector c = new Collector();
    try (Subscription sub = store.subscribeToAll(1, Filter.all(), c::add)) {
      appendConcurrently(4, 100, "during");
      c.awaitCount(600, patience());
      Thread.sleep(50);
      List<RecordedEvent> got = c.snapshot();
      assertThat(got).hasSize(600);
      assertStrictlyIncreasingPositions(got);
      assertThat(got).containsExactlyElementsOf(all());
      assertThat(sub.failure()).isEmpty();
    }
  }

  @Test
  void filtered_subscription_to_all_delivers_exactly_the_matching_events_in_order() throws Exception {
    appendConcurrently(2, 30, "keep");
    appendConcurrently(2, 30, "skip");
    Collector c = new Collector();
    try (Subscription sub = store.subscribeToAll(1, Filter.category("keep"), c::add)) {
      Thread writerA = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          store.append("keep-x", ExpectedVersion.ANY, event(i));
        }
      });
      Thread writerB = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          store.append("skip-x", ExpectedVersion.ANY, event(i));
        }
      });
      writerA.start();
      writerB.start();
      writerA.join();
      writerB.join();
      c.awaitCount(160, patience());
      Thread.sleep(50);
      List<RecordedEvent> got = c.snapshot();
      assertThat(got).hasSize(160).allSatisfy(e -> assertThat(e.category()).isEqualTo("keep"));
      assertStrictlyIncreasingPositions(got);
      assertThat(got).containsExactlyElementsOf(all().stream().filter(e -> e.category().equals("keep")).toList());
    }
  }

  @Test
  void subscription_to_a_stream_catches_up_then_goes_live_in_version_order() throws Exception {
    for (int i = 0; i < 20; i++) {
      store.append("acct-1", ExpectedVersion.ANY, event(i));
    }
    Collector c = new Collector();
    try (Subscription sub = store.subscribeToStream("acct-1", 5, c::add)) {
      Thread other = new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          store.append("acct-2", ExpectedVersion.ANY, event(i));
        }
      });
      other.start();
      for (int i = 20; i < 220; i++) {
        store.append("acct-1", ExpectedVersion.ANY, event(i));
      }
      other.join();
      c.awaitCount(216, patience());
      Thread.sleep(50);
      List<RecordedEvent> got = c.snapshot();
      assertThat(got).hasSize(216).allSatisfy(e -> assertThat(e.stream()).isEqualTo("acct-1"));
      assertThat(got).extracting(RecordedEvent::version)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(5, 220).boxed().toList());
    }
  }

  @Test
  void subscription_from_the_end_delivers_only_new_events() throws Exception {
    store.append("s-1", ExpectedVersion.ANY, events(10));
    Collector all = new Collector();
    Collector one = new Collector();
    try (Subscription a = store.subscribeToAllLive(Filter.all(), all::add);
        Subscription b = store.subscribeToStreamLive("s-1", one::add)) {
      store.append("s-1", ExpectedVersion.ANY, events(3));
      all.awaitCount(3, patience());
      one.awaitCount(3, patience());
      Thread.sleep(50);
      assertThat(all.snapshot()).extracting(RecordedEvent::version).containsExactly(11L, 12L, 13L);
      assertThat(one.snapshot()).extracting(RecordedEvent::version).containsExactly(11L, 12L, 13L);
    }
  }

  @Test
  void a_slow_subscriber_does_not_block_writers_and_misses_nothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Collector c = new Collector();
    try (Subscription slow = store.subscribeToAll(1, Filter.all(), e -> {
      release.await();
      c.add(e);
    })) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        store.append("s-" + (i % 7), ExpectedVersion.ANY, event(i));
      }
      long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(c.snapshot()).isEmpty();
      assertThat(writeMillis).as("writers finished while the subscriber was blocked").isLessThan(patience().toMillis());
      release.countDown();
      c.awaitCount(500, patience());
      assertThat(c.snapshot()).containsExactlyElementsOf(all());
    }
  }

  @Test
  void many_subscribers_each_receive_every_event_once_in_order() throws Exception {
    List<Collector> collectors = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Collector c = new Collector();
      collectors.add(c);
      subs.add(store.subscribeToAll(1, Filter.all(), c::add));
    }
    try {
      appendConcurrently(4, 50, "fan");
      for (Collector c : collectors) {
        c.awaitCount(200, patience());
      }
      Thread.sleep(50);
      List<RecordedEvent> log = all();
      for (Collector c : collectors) {
        assertThat(c.snapshot()).containsExactlyElementsOf(log);
      }
    } finally {
      subs.forEach(Subscription::close);
    }
  }

  @Test
  void a_failing_handler_stops_its_subscription_with_the_failure() throws Exception {
    store.append("s-1", ExpectedVersion.ANY, events(5));
    AtomicInteger seen = new AtomicInteger();
    Subscription sub = store.subscribeToAll(1, Filter.all(), e -> {
      if (seen.incrementAndGet() == 3) {
        throw new IllegalStateException("poison at " + e.position());
      }
    });
    assertThat(sub.awaitStop(patience())).isTrue();
    assertThat(sub.isStopped()).isTrue();
    assertThat(sub.failure()).get().isInstanceOf(IllegalStateException.class)
        .extracting(Throwable::getMessage).isEqualTo("poison at 3");
    assertThat(seen.get()).isEqualTo(3);
    assertThat(sub.cursor()).isEqualTo(3);
  }

  @Test
  void a_closed_subscription_delivers_nothing_more() throws Exception {
    Collector c = new Collector();
    Subscription sub = store.subscribeToAll(1, Filter.all(), c::add);
    store.append("s-1", ExpectedVersion.ANY, events(3));
    c.awaitCount(3, patience());
    sub.close();
    assertThat(sub.isStopped()).isTrue();
    store.append("s-1", ExpectedVersion.ANY, events(3));
    Thread.sleep(100);
    assertThat(c.snapshot()).hasSize(3);
    assertThat(sub.failure()).isEmpty();
  }

  @Test
  void subscribing_to_a_bad_stream_name_is_rejected() {
    assertThatThrownBy(() -> store.subscribeToStream("a/b", 1, e -> { }))
        .isInstanceOf(dev.annals.core.InvalidInputException.class);
  }
}
