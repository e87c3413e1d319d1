package dev.annals.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The checks an exporter makes before it writes anything, each refusal a {@link KafkaExportException} naming
 * what to fix: the brokers answer within the timeout, the events topic exists, the progress topic exists and
 * is compacted (created, compacted with one partition, when missing). Also the Kafka client properties every
 * exporter client starts from.
 */
final class ExportTopics {

  /** How long the start-up checks wait for the brokers unless {@code kafka.default.api.timeout.ms} says otherwise. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private ExportTopics() {
  }

  /** The bound on each start-up call to Kafka. */
  static Duration timeout(ExportSettings s) {
    String ms = s.kafkaProperties().get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    if (ms == null) {
      return DEFAULT_TIMEOUT;
    }
    try {
      return Duration.ofMillis(Long.parseLong(ms.strip()));
    } catch (NumberFormatException e) {
      throw new KafkaExportException("kafka." + CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG + " is '" + ms
          + "', not a number of milliseconds");
    }
  }

  /** The user's Kafka properties, then the bootstrap servers and the bounded timeouts. */
  static Map<String, Object> clientProperties(ExportSettings s, String clientId) {
    Map<String, Object> p = new HashMap<>(s.kafkaProperties());
    long ms = timeout(s).toMillis();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ms);
    p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, Math.min(ms, 30_000)));
    return p;
  }

  /**
   * Checks the brokers and both topics, creating the progress topic when missing.
   *
   * @return the events topic's partition count
   */
  static int check(ExportSettings s) {
    Duration timeout = timeout(s);
    Map<String, Object> props = clientProperties(s, "annals-export-check-" + s.topic());
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new KafkaExportException("cannot connect to Kafka at " + s.bootstrap() + ": " + rootMessage(e)
          + "; check bootstrap=HOST:PORT", e);
    }
    try (admin) {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw unreachable(s, timeout);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
          throw unreachable(s, timeout);
        }
        throw new KafkaExportException("Kafka at " + s.bootstrap() + " refused the connection: "
            + rootMessage(e.getCause()), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaExportException("interrupted while connecting to Kafka at " + s.bootstrap(), e);
      }
      Optional<TopicDescription> events = describe(admin, s, s.topic(), timeout);
      if (events.isEmpty()) {
        throw new KafkaExportException("the topic '" + s.topic() + "' does not exist on " + s.bootstrap()
            + "; create it first (its partition count spreads the streams), e.g. kafka-topics.sh --bootstrap-server "
            + s.bootstrap() + " --create --topic " + s.topic() + " --partitions 6");
      }
      Optional<TopicDescription> progress = describe(admin, s, s.progressTopic(), timeout);
      if (progress.isEmpty()) {
        createProgressTopic(admin, s, timeout);
      } else {
        requireCompacted(admin, s, timeout);
      }
      return events.get().partitions().size();
    }
  }

  private static KafkaExportException unreachable(ExportSettings s, Duration timeout) {
    return new KafkaExportException("cannot reach Kafka at " + s.bootstrap() + " within " + timeout.toMillis()
        + " ms; check bootstrap=HOST:PORT and that the brokers are up (a longer wait: kafka."
        + CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG + "=MS)");
  }

  private static Optional<TopicDescription> describe(Admin admin, ExportSettings s, String topic, Duration timeout) {
    try {
      return Optional.of(admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw failed(s, "describing the topic '" + topic + "'", e.getCause());
    } catch (TimeoutException e) {
      throw failed(s, "describing the topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaExportException("interrupted while checking the topic '" + topic + "'", e);
    }
  }

  private static void createProgressTopic(Admin admin, ExportSettings s, Duration timeout) {
    NewTopic topic = new NewTopic(s.progressTopic(), Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaExportException("the progress topic '" + s.progressTopic() + "' does not exist and creating it"
            + " failed: " + rootMessage(e.getCause()) + "; create it compacted (--config cleanup.policy=compact)"
            + " or name another with progress-topic=NAME", e.getCause());
      }
      requireCompacted(admin, s, timeout); // created meanwhile by another process
    } catch (TimeoutException e) {
      throw failed(s, "creating the progress topic '" + s.progressTopic() + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaExportException("interrupted while creating the progress topic", e);
    }
  }

  private static void requireCompacted(Admin admin, ExportSettings s, Duration timeout) {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, s.progressTopic());
    try {
      Config config = admin.describeConfigs(List.of(r)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(r);
      var policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)
          || policy.value().contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
        throw new KafkaExportException("the progress topic '" + s.progressTopic() + "' has cleanup.policy="
            + (policy == null ? "delete" : policy.value()) + ": Kafka would delete the export's progress and the"
            + " next start would export everything again; make it compacted (kafka-configs.sh --alter --entity-type"
            + " topics --entity-name " + s.progressTopic() + " --add-config cleanup.policy=compact) or name another"
            + " with progress-topic=NAME");
      }
    } catch (ExecutionException e) {
      throw failed(s, "reading the configuration of the progress topic '" + s.progressTopic() + "'", e.getCause());
    } catch (TimeoutException e) {
      throw failed(s, "reading the configuration of the progress topic '" + s.progressTopic() + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaExportException("interrupted while checking the progress topic", e);
    }
  }

  private static KafkaExportException failed(ExportSettings s, String what, Throwable cause) {
    if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new KafkaExportException(what + " on " + s.bootstrap() + " took longer than " + timeout(s).toMillis()
          + " ms; check that the brokers are up", cause);
    }
    return new KafkaExportException(what + " on " + s.bootstrap() + " failed: " + rootMessage(cause), cause);
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m == null ? "no details given" : m;
  }
}
