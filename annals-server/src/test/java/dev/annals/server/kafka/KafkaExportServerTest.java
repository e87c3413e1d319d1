package dev.annals.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.TestKafka;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.projections.SqliteReadModels;
import dev.annals.server.verify.ScanVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server running a Kafka export of its own store ({@code annals serve --kafka-export}): the exported
 * position in {@code /metrics} and {@code /health} reaches the head; an export that cannot start shows as
 * failed with its reason while the server goes on serving.
 */
@ExtendWith(TestKafka.class)
class KafkaExportServerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void the_exported_position_in_metrics_and_health_reaches_the_head(LocalKafka kafka) throws Exception {
    String topic = "server-export-" + UUID.randomUUID();
    kafka.createTopic(topic, 3);
    kafka.createCompactedTopic(topic + ExportSettings.PROGRESS_SUFFIX);
    try (InMemoryEventStore store = new InMemoryEventStore();
        AnnalsServer server = serve(store, ExportSettings.of(kafka.bootstrap(), topic))) {
      for (int i = 0; i < 40; i++) {
        store.append("order-" + (i % 4), ExpectedVersion.ANY, event(i), event(i + 1000));
      }
      Pattern position = Pattern.compile("(?m)^annals_kafka_export_position\\{topic=\"" + Pattern.quote(topic)
          + "\"} (\\S+)$");
      long deadline = System.nanoTime() + 60_000_000_000L;
      double exported = -1;
      while (System.nanoTime() < deadline) {
        Matcher m = position.matcher(get(server, "/metrics").body());
        assertThat(m.find()).as("the export's position gauge").isTrue();
        exported = Double.parseDouble(m.group(1));
        if (exported == 80) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(exported).as("exported position").isEqualTo(80);
      String metrics = get(server, "/metrics").body();
      assertThat(metrics).contains("annals_kafka_export_lag_events{topic=\"" + topic + "\"} 0.0")
          .contains("annals_kafka_export_state{state=\"running\",topic=\"" + topic + "\"} 1.0")
          .contains("annals_kafka_export_state{state=\"failed\",topic=\"" + topic + "\"} 0.0")
          .contains("annals_kafka_export_events_per_second{topic=\"" + topic + "\"}");
      JsonNode health = MAPPER.readTree(get(server, "/health").body());
      JsonNode export = health.get("kafkaExport");
      assertThat(export.get("topic").asText()).isEqualTo(topic);
      assertThat(export.get("state").asText()).isEqualTo("running");
      assertThat(export.get("exportedPosition").asLong()).isEqualTo(80);
      assertThat(export.get("headPosition").asLong()).isEqualTo(80);
      assertThat(export.get("lag").asLong()).isZero();
      assertThat(export.has("failure")).isFalse();
    }
  }

  @Test
  void an_export_that_cannot_start_is_failed_with_its_reason_the_server_serves_on_and_it_runs_once_it_can(
      LocalKafka kafka)
      throws Exception {
    String topic = "server-missing-" + UUID.randomUUID(); // never created
    try (InMemoryEventStore store = new InMemoryEventStore();
        AnnalsServer server = serve(store, ExportSettings.of(kafka.bootstrap(), topic))) {
      JsonNode export = null;
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> health = get(server, "/health");
        assertThat(health.statusCode()).as("the server stays healthy").isEqualTo(200);
        export = MAPPER.readTree(health.body()).get("kafkaExport");
        if (!export.get("state").asText().equals("starting")) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(export.get("state").asText()).isEqualTo("failed");
      assertThat(export.get("failure").asText()).contains(topic).doesNotContain("Exception");
      assertThat(get(server, "/metrics").body())
          .contains("annals_kafka_export_state{state=\"failed\",topic=\"" + topic + "\"} 1.0");
      HttpResponse<String> append = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/streams/order-1"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"expectedVersion\":\"any\",\"events\":[{\"type\":\"Placed\","
              + "\"data\":{}}]}")).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(append.statusCode()).as(append.body()).isEqualTo(200);

      kafka.createTopic(topic, 2); // what the failure said to do: the export starts again on its own
      deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline) {
        export = MAPPER.readTree(get(server, "/health").body()).get("kafkaExport");
        if (export.get("state").asText().equals("running") && export.get("exportedPosition").asLong() == 1) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(export.get("state").asText()).as(export.toString()).isEqualTo("running");
      assertThat(export.get("exportedPosition").asLong()).isEqualTo(1);
      assertThat(export.has("failure")).isFalse();
    }
  }

  private static AnnalsServer serve(InMemoryEventStore store, ExportSettings settings) throws Exception {
    return new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true), List.of(),
        new SqliteReadModels(Optional.empty()), Optional.of(new KafkaExportHost(store, settings))).start();
  }

  private HttpResponse<String> get(AnnalsServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static EventData event(int i) {
    return new EventData(UUID.randomUUID(), "Placed", Json.of("{\"n\":" + i + "}"), Json.EMPTY_OBJECT, Optional.empty());
  }

  @Test
  void a_standby_export_takes_over_within_seconds_of_the_running_one_stopping(LocalKafka kafka) throws Exception {
    String topic = "standby-" + java.util.UUID.randomUUID();
    kafka.createTopic(topic, 2);
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic);
      KafkaExportHost first = new KafkaExportHost(store, settings);
      KafkaExportHost second = new KafkaExportHost(store, settings);
      try {
        first.start();
        awaitState(first, dev.annals.kafka.ExportStatus.State.RUNNING);
        second.start();
        Thread.sleep(8_000); // long enough for a doubling backoff to have reached 4 s and more
        assertThat(second.status().state()).as("the second, while the first runs")
            .isEqualTo(dev.annals.kafka.ExportStatus.State.FAILED);
        assertThat(second.status().failure()).hasValueSatisfying(f -> assertThat(f).contains("another exporter"));
        first.close();
        long stopped = System.nanoTime();
        awaitState(second, dev.annals.kafka.ExportStatus.State.RUNNING);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - stopped)).as("takeover")
            .isLessThan(java.time.Duration.ofMillis(2_500));
        store.append("s-1", ExpectedVersion.ANY, List.of(new EventData(java.util.UUID.randomUUID(), "E",
            Json.EMPTY_OBJECT, Json.EMPTY_OBJECT, Optional.empty())));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (second.status().exportedPosition() < 1 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(second.status().exportedPosition()).as("exported by the second").isEqualTo(1);
      } finally {
        first.close();
        second.close();
      }
    }
  }

  private static void awaitState(KafkaExportHost host, dev.annals.kafka.ExportStatus.State state)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (host.status().state() != state && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(host.status().state()).isEqualTo(state);
  }
}
