package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two stores opened on the same schema, as two processes would: each one's subscribers receive the
 * other's appends live, interleaved with its own, in position order with no gap (filtered ones too).
 */
@ExtendWith(TestPostgres.class)
class PgSharedStoreTest {

  @Test
  void a_second_store_on_the_same_schema_receives_the_first_ones_appends_live_in_order() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore one = PostgresEventStore.open(options);
        PostgresEventStore two = PostgresEventStore.open(options)) {
      PgLiveDeliveryTest.Collector atOne = new PgLiveDeliveryTest.Collector();
      PgLiveDeliveryTest.Collector atTwo = new PgLiveDeliveryTest.Collector();
      PgLiveDeliveryTest.Collector streamAtTwo = new PgLiveDeliveryTest.Collector();
      PgLiveDeliveryTest.Collector categoryAtOne = new PgLiveDeliveryTest.Collector();
      try (Subscription a = one.subscribeToAll(1, Filter.all(), atOne);
          Subscription b = two.subscribeToAll(1, Filter.all(), atTwo);
          Subscription c = two.subscribeToStream("shared-1", 1, streamAtTwo);
          Subscription d = one.subscribeToAll(1, Filter.category("shared"), categoryAtOne)) {
        List<Thread> writers = new ArrayList<>();
        for (PostgresEventStore store : List.of(one, two)) {
          for (int w = 0; w < 2; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
              for (int i = 0; i < 25; i++) {
                List<EventData> batch = IntStream.range(0, 1 + i % 3)
                    .mapToObj(k -> EventData.of("E", "{\"w\":" + writer + "}")).toList();
                store.append(i % 2 == 0 ? "shared-1" : "own-" + store.hashCode() + "-" + writer, ExpectedVersion.ANY,
                    batch);
              }
            }));
          }
        }
        for (Thread t : writers) {
          t.join();
        }
        int total = 4 * IntStream.range(0, 25).map(i -> 1 + i % 3).sum();
        assertThat(one.headPosition()).isEqualTo(total);
        PgLiveDeliveryTest.assertGapFree(atOne.awaitCount(total, Duration.ofSeconds(20)), total);
        PgLiveDeliveryTest.assertGapFree(atTwo.awaitCount(total, Duration.ofSeconds(20)), total);
        int shared = (int) two.streamVersion("shared-1");
        assertThat(streamAtTwo.awaitCount(shared, Duration.ofSeconds(20))).extracting(RecordedEvent::version)
            .containsExactlyElementsOf(IntStream.rangeClosed(1, shared).mapToObj(i -> (long) i).toList());
        List<RecordedEvent> category = categoryAtOne.awaitCount(shared, Duration.ofSeconds(20));
        assertThat(category).extracting(RecordedEvent::stream).containsOnly("shared-1");
        assertThat(category).extracting(RecordedEvent::version)
            .containsExactlyElementsOf(IntStream.rangeClosed(1, shared).mapToObj(i -> (long) i).toList());
        assertThat(List.of(a, b, c, d)).noneMatch(Subscription::isStopped);
      }
    }
  }
}
