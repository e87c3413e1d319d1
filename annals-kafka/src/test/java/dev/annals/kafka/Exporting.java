package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Test helpers: writing events, waiting for an exporter. */
final class Exporting {

  private Exporting() {
  }

  /** Appends {@code appends} appends of 1-3 events each, round-robin over {@code streams} streams. */
  static void append(EventStore store, int appends, int streams, String tag) {
    for (int i = 0; i < appends; i++) {
      List<EventData> events = new ArrayList<>();
      for (int k = 0; k <= i % 3; k++) {
        events.add(EventData.of("Happened",
            Json.of("{\"n\":" + i + ",\"k\":" + k + ",\"tag\":\"" + tag + "\"}")));
      }
      store.append("s-" + (i % streams), ExpectedVersion.ANY, events);
    }
  }

  /** Waits (up to 30 s) until the exporter's status passes {@code test}; returns that status. */
  static ExportStatus await(KafkaExporter exporter, Predicate<ExportStatus> test) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      ExportStatus s = exporter.status();
      if (test.test(s)) {
        return s;
      }
      assertThat(System.nanoTime()).as("waiting for the exporter, now %s", s).isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until the exporter has committed the store's head. */
  static ExportStatus awaitCaughtUp(KafkaExporter exporter, long head) {
    return await(exporter, s -> s.exportedPosition() >= head || s.state() == ExportStatus.State.FAILED);
  }

  static String topic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
