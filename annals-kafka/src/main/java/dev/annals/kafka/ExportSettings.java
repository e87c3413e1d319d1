package dev.annals.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an exporter needs: the brokers, the topic the events go to, the compacted topic its progress goes
 * to, how many events one Kafka transaction holds at most, and extra Kafka client properties (security,
 * timeouts). Immutable.
 *
 * @param bootstrap the Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param progressTopic a compacted topic holding each exporting store's last committed position
 * @param maxEventsPerTransaction at most this many events per transaction (a caught-up exporter commits sooner)
 * @param kafkaProperties passed to the Kafka clients as given (the exporter's own settings win)
 */
public record ExportSettings(String bootstrap, String topic, String progressTopic, int maxEventsPerTransaction,
    Map<String, String> kafkaProperties) {

  /** Events per transaction unless told otherwise. */
  public static final int DEFAULT_TRANSACTION_SIZE = 1000;
  /** The progress topic's name is the topic's with this appended unless told otherwise. */
  public static final String PROGRESS_SUFFIX = ".annals-progress";
  /** The most events one transaction may hold. */
  public static final int MAX_TRANSACTION_SIZE = 100_000;
  private static final String FORMAT = "bootstrap=HOST:PORT,topic=NAME[,progress-topic=NAME][,transaction-size=N]"
      + "[,kafka.PROPERTY=VALUE...]";

  public ExportSettings {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("the Kafka export needs bootstrap=HOST:PORT (the brokers to connect to)");
    }
    requireTopicName("topic", topic);
    requireTopicName("progress-topic", progressTopic);
    if (topic.equals(progressTopic)) {
      throw new IllegalArgumentException("the progress topic must differ from the events topic " + topic);
    }
    if (maxEventsPerTransaction < 1 || maxEventsPerTransaction > MAX_TRANSACTION_SIZE) {
      throw new IllegalArgumentException("transaction-size is " + maxEventsPerTransaction + "; use 1 to "
          + MAX_TRANSACTION_SIZE);
    }
    kafkaProperties = Map.copyOf(kafkaProperties);
  }

  /** Export to {@code topic} through {@code bootstrap}, with the default progress topic and transaction size. */
  public static ExportSettings of(String bootstrap, String topic) {
    return new ExportSettings(bootstrap, topic, topic == null ? null : topic + PROGRESS_SUFFIX,
        DEFAULT_TRANSACTION_SIZE, Map.of());
  }

  /**
   * Reads {@code bootstrap=HOST:PORT,topic=NAME[,progress-topic=NAME][,transaction-size=N][,kafka.P=V...]}.
   * A part without {@code =} continues the value before it, so {@code bootstrap=a:9092,b:9092,topic=t}
   * names two brokers. {@code kafka.}-prefixed keys are passed to the Kafka clients.
   *
   * @throws IllegalArgumentException the spec is malformed; the message says what to write
   */
  public static ExportSettings parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("the Kafka export spec is empty; write " + FORMAT);
    }
    Map<String, String> values = new LinkedHashMap<>();
    String last = null;
    for (String part : spec.split(",", -1)) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 0) {
        if (last == null || p.isEmpty()) {
          throw new IllegalArgumentException("'" + p + "' in the Kafka export spec is not KEY=VALUE; write " + FORMAT);
        }
        values.put(last, values.get(last) + "," + p);
        continue;
      }
      String key = p.substring(0, eq).strip();
      String value = p.substring(eq + 1).strip();
      if (values.containsKey(key)) {
        throw new IllegalArgumentException(key + " appears twice in the Kafka export spec");
      }
      values.put(key, value);
      last = key;
    }
    String bootstrap = values.remove("bootstrap");
    String topic = values.remove("topic");
    if (topic == null) {
      throw new IllegalArgumentException("the Kafka export spec has no topic=NAME; write " + FORMAT);
    }
    String progress = values.remove("progress-topic");
    String size = values.remove("transaction-size");
    int transactionSize = DEFAULT_TRANSACTION_SIZE;
    if (size != null) {
      try {
        transactionSize = Integer.parseInt(size);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("transaction-size is '" + size + "', not a number; use 1 to "
            + MAX_TRANSACTION_SIZE);
      }
    }
    Map<String, String> kafka = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!e.getKey().startsWith("kafka.") || e.getKey().length() == "kafka.".length()) {
        throw new IllegalArgumentException("unknown key '" + e.getKey() + "' in the Kafka export spec; write "
            + FORMAT);
      }
      kafka.put(e.getKey().substring("kafka.".length()), e.getValue());
    }
    return new ExportSettings(bootstrap, topic, progress == null ? topic + PROGRESS_SUFFIX : progress,
        transactionSize, kafka);
  }

  /** These settings with another transaction size. */
  public ExportSettings withMaxEventsPerTransaction(int n) {
    return new ExportSettings(bootstrap, topic, progressTopic, n, kafkaProperties);
  }

  /** These settings with one more Kafka client property. */
  public ExportSettings withKafkaProperty(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(kafkaProperties);
    more.put(key, value);
    return new ExportSettings(bootstrap, topic, progressTopic, maxEventsPerTransaction, more);
  }

  private static void requireTopicName(String key, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("the Kafka export needs " + key + "=NAME");
    }
    if (name.length() > 249 || !name.matches("[A-Za-z0-9._-]+") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(key + " '" + name + "' is not a Kafka topic name (letters, digits, "
          + "'.', '_' and '-', at most 249)");
    }
  }
}
