package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.client.HttpEventStore;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.kafka.local.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals serve --kafka-export SPEC}: the server exports its own store (its position in
 * {@code /metrics} reaches the head and every event is in the topic); a bad spec is one line.
 */
@ExtendWith(CliKafka.class)
class ServeKafkaExportTest {

  @TempDir Path tmp;

  @Test
  void serve_exports_its_own_store_and_metrics_show_the_exported_position_reach_the_head(LocalKafka kafka)
      throws Exception {
    String topic = KafkaExportCommandTest.topic(kafka);
    try (ServedProcess served = new ServedProcess("--data", tmp.resolve("data").toString(),
        "--kafka-export", "bootstrap=" + kafka.bootstrap() + ",topic=" + topic + ",transaction-size=7")) {
      URI uri = served.awaitUri();
      assertThat(served.lines).anySatisfy(l -> assertThat(l).contains(", exporting to Kafka topic " + topic + " at "));
      try (HttpEventStore client = new HttpEventStore(uri)) {
        for (int i = 0; i < 25; i++) {
          client.append("order-" + (i % 5), ExpectedVersion.ANY, EventData.of("Placed", "{\"n\":" + i + "}"));
        }
      }
      Pattern position = Pattern.compile("(?m)^annals_kafka_export_position\\{topic=\"" + Pattern.quote(topic)
          + "\"} (\\S+)$");
      HttpClient http = HttpClient.newHttpClient();
      double exported = -1;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (exported < 25 && System.nanoTime() < deadline) {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(uri + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = position.matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        exported = Double.parseDouble(m.group(1));
        Thread.sleep(50);
      }
      assertThat(exported).as("the exported position reaches the head").isEqualTo(25);
      assertThat(ExportedRecords.readAll(kafka.bootstrap(), topic)).extracting(ExportedRecords.Exported::position)
          .containsExactlyInAnyOrder(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toArray(Long[]::new));
    }
  }

  @Test
  void a_bad_export_spec_is_refused_in_one_line_before_anything_starts() {
    CliRun r = run("serve", "--data", tmp.resolve("data").toString(), "--port", "0", "--kafka-export", "topic=orders");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: --kafka-export: the Kafka export needs bootstrap=HOST:PORT (the"
        + " brokers to connect to)");
    assertThat(tmp.resolve("data")).doesNotExist();
  }
}
