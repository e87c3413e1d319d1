package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventReader;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each engine's reader hands an exporter: every event, its append framing, import flag and chain hash. */
class StoredEventReaderTest {

  @Test
  void the_in_memory_store_hands_out_each_event_with_the_chain_hash_the_one_definition_gives() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore();
    checkReader(store, store);
  }

  @Test
  void the_log_hands_out_each_event_with_its_stored_chain_hash_and_keeps_its_id_across_restarts(@TempDir Path dir)
      throws Exception {
    java.util.UUID id;
    try (LogEventStore store = Annals.open(dir)) {
      id = store.storeId();
      checkReader(store, store);
    }
    try (LogEventStore store = Annals.open(dir)) {
      assertThat(store.storeId()).isEqualTo(id);
      assertThat(store.readStored(1, 1000)).hasSize((int) store.headPosition());
    }
  }

  private static void checkReader(EventStore store, StoredEventReader reader) throws Exception {
    assertThat(reader.readStored(1, 10)).isEmpty();
    assertThat(reader.awaitHeadAbove(0, Duration.ofMillis(20))).isFalse();
    Exporting.append(store, 30, 4, "x");
    Instant past = Instant.now(); // an import keeps its own time, not before the last event's
    store.importEvents(List.of(new ImportEvent("imported", EventData.of("Old", Json.of("{\"a\":1}")), past)));
    Exporting.append(store, 5, 2, "y");
    assertThat(reader.awaitHeadAbove(0, Duration.ofMillis(20))).isTrue();
    long head = reader.headPosition();
    List<StoredEvent> all = new ArrayList<>();
    for (long p = 1; p <= head; p += 7) { // pages of 7 cross appends and segments alike
      List<StoredEvent> page = reader.readStored(p, 7);
      assertThat(page).hasSize((int) Math.min(7, head - p + 1));
      all.addAll(page);
    }
    assertThat(reader.readStored(head + 1, 5)).isEmpty();
    ChainHash chain = new ChainHash();
    byte[] previous = ChainHash.genesis();
    for (int i = 0; i < all.size(); i++) {
      StoredEvent e = all.get(i);
      assertThat(e.event().position()).isEqualTo(i + 1);
      assertThat(e.event()).isEqualTo(store.readAll(i + 1, dev.annals.core.Direction.FORWARD, 1,
          dev.annals.core.Filter.everything()).events().get(0));
      assertThat(e.computeChain(chain, previous)).as("chain at %d", i + 1).isEqualTo(e.chainHash());
      previous = e.chainHash();
      assertThat(e.imported()).isEqualTo(e.event().stream().equals("imported"));
    }
    assertThat(all.stream().filter(e -> e.batchSize() == 3 && e.endsBatch())).isNotEmpty();
    assertThat(reader.tryAcquireRole("export:t")).isPresent();
    assertThat(reader.tryAcquireRole("export:t")).isEmpty();
  }
}
