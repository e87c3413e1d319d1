package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.kafka.local.LocalKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Store → exporter → topic → projection runner: the partition the runner waits on is the one the exporter wrote. */
@ExtendWith(TestKafka.class)
class ExportedProjectionTest {

  @Test
  void an_append_is_in_the_kafka_fed_read_model_once_await_applied_returns(LocalKafka kafka, @TempDir Path dir)
      throws Exception {
    String topic = Exporting.topic("e2e");
    kafka.createTopic(topic, 5);
    InMemoryEventStore store = new InMemoryEventStore();
    try (KafkaExporter exporter = KafkaExporter.start(store, ExportSettings.of(kafka.bootstrap(), topic));
        JdbcTarget target = JdbcTarget.sqlite(dir);
        KafkaProjectionRunner<JdbcSession> runner = KafkaProjectionRunner.start(Accounts.jdbc(), target,
            KafkaProjectionRunnerTest.settings(kafka, topic));
        Connection reader = target.openReader()) {
      for (int i = 0; i < 40; i++) {
        String stream = "account-" + i;
        AppendResult r = store.append(stream, ExpectedVersion.NO_STREAM, List.of(
            EventData.of("Deposited", Json.of("{\"amount\":" + (100 + i) + "}")),
            EventData.of("FeeCharged", Json.of("{\"amount\":" + (i % 7) + "}"))));
        runner.awaitApplied(r.stream(), r.lastPosition(), Duration.ofSeconds(20));
        assertThat(Accounts.balances(reader).get(stream)).as(stream)
            .isEqualTo(new Accounts.Balance(100 + i - i % 7, 2));
      }
      assertThat(runner.status().state()).isEqualTo(KafkaProjectionStatus.State.RUNNING);
    }
  }
}
