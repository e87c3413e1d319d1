package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When PostgreSQL goes away, reads fail as unavailable and subscriptions wait; when it comes back the
 * same store reads again and every subscriber resumes where it was, without gap or duplicate. On a server
 * of its own, so stopping it disturbs no other test.
 */
@ExtendWith(TestPostgres.class)
class PgOutageTest {

  private static LocalPostgres server;

  @BeforeAll
  static void ownServer(LocalPostgres shared) {
    server = TestPostgres.startOwn(); // its own: it stops and restarts it
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static List<EventData> events(int n) {
    return IntStream.range(0, n).mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}")).toList();
  }

  @Test
  void reads_are_unavailable_while_postgresql_is_down_and_subscriptions_resume_without_gap_or_duplicate()
      throws Exception {
    PostgresOptions options = PostgresOptions.of(server.url(server.createDatabase()).toString())
        .withSchema("outage").withPoolSize(3).withConnectTimeout(Duration.ofMillis(500));
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("a-1", ExpectedVersion.ANY, events(5));
      PgLiveDeliveryTest.Collector all = new PgLiveDeliveryTest.Collector();
      PgLiveDeliveryTest.Collector stream = new PgLiveDeliveryTest.Collector();
      try (Subscription s = store.subscribeToAll(1, Filter.all(), all);
          Subscription t = store.subscribeToStream("a-1", 1, stream)) {
        assertThat(all.awaitCount(5, Duration.ofSeconds(10))).hasSize(5);

        server.stop(LocalPostgres.StopMode.FAST);
        assertThatThrownBy(() -> store.readAll(1, Direction.FORWARD, 10, Filter.all()))
            .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.readStream("a-1", 1, Direction.FORWARD, 10))
            .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(store::headPosition).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.streamVersion("a-1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.positionAt(Instant.now())).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.listStreams(StreamQuery.all(), 10)).isInstanceOf(StoreUnavailableException.class);
        Thread.sleep(1_500); // subscriptions poll and retry meanwhile
        assertThat(s.isStopped()).isFalse();
        assertThat(t.isStopped()).isFalse();

        server.restart();
        assertThat(eventually(() -> store.readAll(1, Direction.FORWARD, 10, Filter.all())).events()).hasSize(5);
        store.append("a-1", ExpectedVersion.exactly(5), events(3));
        store.append("b-1", ExpectedVersion.ANY, events(2));
        PgLiveDeliveryTest.assertGapFree(all.awaitCount(10, Duration.ofSeconds(20)), 10);
        assertThat(stream.awaitCount(8, Duration.ofSeconds(20))).extracting(e -> e.version())
            .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        Thread.sleep(300);
        assertThat(all.count()).isEqualTo(10);
        assertThat(s.failure()).isEmpty();
      }
    }
  }

  /** The answer of {@code read} once the store is reachable again (the pool reconnects within seconds). */
  private static <T> T eventually(java.util.function.Supplier<T> read) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        return read.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void a_subscription_catching_up_through_an_outage_delivers_everything_once() throws Exception {
    PostgresOptions options = PostgresOptions.of(server.url(server.createDatabase()).toString())
        .withSchema("catchup").withPoolSize(3).withConnectTimeout(Duration.ofMillis(500));
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      int page = ReadSide.SUBSCRIPTION_PAGE;
      int total = page * 2 + page / 2;
      for (int i = 0; i < total / 500; i++) {
        store.append("s-" + i % 4, ExpectedVersion.ANY, events(500));
      }
      PgLiveDeliveryTest.Collector slow = new PgLiveDeliveryTest.Collector() {
        @Override
        public synchronized void onEvent(dev.annals.core.RecordedEvent event) {
          super.onEvent(event);
          if (event.position() == page / 2) {
            server.stop(LocalPostgres.StopMode.FAST); // mid catch-up, between pages
          }
        }
      };
      try (Subscription s = store.subscribeToAll(1, Filter.all(), slow)) {
        assertThat(slow.awaitCount(page, Duration.ofSeconds(20))).hasSize(page); // the page it had read
        Thread.sleep(1_500); // its next page read fails (the pool gives up after 500 ms) and is retried
        assertThat(slow.count()).isEqualTo(page);
        assertThat(s.isStopped()).isFalse();
        server.restart();
        PgLiveDeliveryTest.assertGapFree(slow.awaitCount(total, Duration.ofSeconds(30)), total);
        assertThat(s.isStopped()).isFalse();
      }
    }
  }
}
