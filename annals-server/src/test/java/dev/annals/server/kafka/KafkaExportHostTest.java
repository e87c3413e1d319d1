package dev.annals.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.InMemoryEventStore;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The host's life without brokers: starting, failed with the reason and tried again, and a prompt stop. */
class KafkaExportHostTest {

  @Test
  void unreachable_brokers_are_a_failure_with_the_reason_and_a_stop_does_not_wait_for_them() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      KafkaExportHost host = new KafkaExportHost(store, ExportSettings.of("127.0.0.1:" + port, "orders")
          .withKafkaProperty("default.api.timeout.ms", "1000"));
      assertThat(host.status().state()).as("before start").isEqualTo(ExportStatus.State.STARTING);
      host.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (host.status().state() != ExportStatus.State.FAILED && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      ExportStatus failed = host.status();
      assertThat(failed.state()).isEqualTo(ExportStatus.State.FAILED);
      assertThat(failed.failure()).hasValueSatisfying(f -> assertThat(f)
          .startsWith("cannot reach Kafka at 127.0.0.1:" + port).endsWith("(trying again every 1 s)"));
      assertThat(failed.topic()).isEqualTo("orders");

      long t0 = System.nanoTime();
      host.close(); // while it waits to retry, or is retrying
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(host.status().state()).isEqualTo(ExportStatus.State.STOPPED);
      host.close(); // idempotent
    }
  }
}
