package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportSettingsTest {

  @Test
  void a_spec_names_brokers_topics_transaction_size_and_kafka_properties() {
    ExportSettings s = ExportSettings.parse("bootstrap=a:9092,b:9092, topic=orders,transaction-size=500,"
        + "kafka.security.protocol=SSL");
    assertThat(s.bootstrap()).isEqualTo("a:9092,b:9092");
    assertThat(s.topic()).isEqualTo("orders");
    assertThat(s.progressTopic()).isEqualTo("orders.annals-progress");
    assertThat(s.maxEventsPerTransaction()).isEqualTo(500);
    assertThat(s.kafkaProperties()).isEqualTo(Map.of("security.protocol", "SSL"));
    assertThat(ExportSettings.parse("bootstrap=k:1,topic=t,progress-topic=p").progressTopic()).isEqualTo("p");
    assertThat(ExportSettings.of("k:1", "t").maxEventsPerTransaction()).isEqualTo(ExportSettings.DEFAULT_TRANSACTION_SIZE);
  }

  @Test
  void a_malformed_spec_is_refused_saying_what_to_write() {
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1")).hasMessageContaining("no topic=NAME");
    assertThatThrownBy(() -> ExportSettings.parse("topic=t")).hasMessageContaining("needs bootstrap=HOST:PORT");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=t,transaction-size=lots"))
        .hasMessageContaining("transaction-size is 'lots', not a number");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=t,transaction-size=0"))
        .hasMessageContaining("use 1 to 100000");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=t,partitions=3"))
        .hasMessageContaining("unknown key 'partitions'");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=no/slash"))
        .hasMessageContaining("'no/slash' is not a Kafka topic name");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=t,topic=u")).hasMessageContaining("twice");
    assertThatThrownBy(() -> ExportSettings.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ExportSettings.parse("bootstrap=k:1,topic=t,progress-topic=t"))
        .hasMessageContaining("must differ");
  }
}
