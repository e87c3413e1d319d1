package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ExclusiveRole;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventReader;
import dev.annals.kafka.local.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A transaction that fails halfway is dropped (aborted) and the export resumes from Kafka's progress. */
@ExtendWith(TestKafka.class)
class ExportRetryTest {

  /** The in-memory store, whose reads fail now and then in the middle of a transaction. */
  private static final class Flaky implements StoredEventReader {
    private final InMemoryEventStore store;
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    Flaky(InMemoryEventStore store) {
      this.store = store;
    }

    @Override
    public UUID storeId() {
      return store.storeId();
    }

    @Override
    public long headPosition() {
      return store.headPosition();
    }

    @Override
    public List<StoredEvent> readStored(long fromPosition, int limit) {
      if (reads.incrementAndGet() % 2 == 0 && failures.get() < 3) { // a transaction's 2nd page, 3 times
        failures.incrementAndGet();
        throw new StoreUnavailableException("the disk hiccuped (test)");
      }
      return store.readStored(fromPosition, limit);
    }

    @Override
    public boolean awaitHeadAbove(long position, Duration timeout) throws InterruptedException {
      return store.awaitHeadAbove(position, timeout);
    }

    @Override
    public Optional<ExclusiveRole> tryAcquireRole(String role) {
      return store.tryAcquireRole(role);
    }
  }

  @Test
  void a_transaction_failing_halfway_is_aborted_and_the_export_resumes_without_a_duplicate(LocalKafka kafka) {
    String topic = Exporting.topic("retry");
    kafka.createTopic(topic, 2);
    InMemoryEventStore store = new InMemoryEventStore();
    Exporting.append(store, 400, 6, "a");
    Flaky flaky = new Flaky(store);
    // pages of 1000 but transactions of 2500: each transaction reads 3 pages, and the failures hit mid-transaction
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(2500);
    Exporting.append(store, 1000, 6, "b");
    try (KafkaExporter exporter = KafkaExporter.start(flaky, settings)) {
      ExportStatus s = Exporting.awaitCaughtUp(exporter, store.headPosition());
      assertThat(s.state()).isEqualTo(ExportStatus.State.RUNNING);
    }
    assertThat(flaky.failures.get()).isEqualTo(3);
    ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(store);
  }
}
