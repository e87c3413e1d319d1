package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Closing an idle store does not wait out a writer's poll timeout (one second): a writer that stops must
 * leave the other writer's wake-up in the queue. Before the fix every close took a second, which made
 * the PostgreSQL property suites, opening hundreds of stores, take minutes.
 */
class StoreCloseTest {

  @Test
  void closingAnIdleStoreWakesBothWritersAtOnce() {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      PostgresEventStore store = PgStores.open();
      store.append("account-" + i, ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}"));
      long t0 = System.nanoTime();
      store.close();
      millis.add((System.nanoTime() - t0) / 1_000_000);
    }
    long total = millis.stream().mapToLong(Long::longValue).sum();
    assertThat(total).as("twenty closes, ms: %s", millis).isLessThan(2_500);
  }
}
