package dev.annals.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the broker about a topic before a consumer group is joined, so that a wrong address or topic
 * name is one clear {@link KafkaProjectionException} rather than a consumer retrying forever. Stateless.
 */
final class TopicProbe {

  /** How long a topic may be unknown to the broker asked before it is reported as missing. */
  private static final Duration UNKNOWN_TOPIC_GRACE = Duration.ofSeconds(1);

  private TopicProbe() {}

  /**
   * The partition count of {@code topic}.
   *
   * @throws KafkaProjectionException the broker is unreachable within {@code timeout}, or the topic does not exist
   */
  static int partitions(String bootstrap, String topic, Duration timeout) {
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Admin admin;
    try {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
          AdminClientConfig.CLIENT_ID_CONFIG, "annals-projection-probe"));
    } catch (KafkaException e) {
      throw new KafkaProjectionException("cannot use Kafka bootstrap address '" + bootstrap + "': "
          + rootMessage(e) + "; give HOST:PORT of a reachable broker", e);
    }
    long graceEnd = System.nanoTime() + UNKNOWN_TOPIC_GRACE.toNanos();
    try {
      while (true) {
        try {
          TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
              .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS).get(topic);
          return d.partitions().size();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > graceEnd) {
            throw e;
          }
          Thread.sleep(100); // a topic created a moment ago may not be in every broker's metadata yet
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw new KafkaProjectionException("topic '" + topic + "' does not exist on Kafka at " + bootstrap
            + ": give the topic the exporter writes to (or create it)", cause);
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(bootstrap, timeout, cause);
      }
      throw new KafkaProjectionException("cannot read topic '" + topic + "' on Kafka at " + bootstrap + ": "
          + rootMessage(cause), cause);
    } catch (TimeoutException e) {
      throw unreachable(bootstrap, timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaProjectionException("interrupted while asking Kafka at " + bootstrap + " about topic " + topic, e);
    } finally {
      admin.close(Duration.ofMillis(500));
    }
  }

  /**
   * The last stable offset (the read_committed end) of each partition of {@code topic}, in partition order.
   *
   * @throws KafkaProjectionException the broker did not answer within {@code timeout}
   */
  static long[] endOffsets(String bootstrap, String topic, int partitions, Duration timeout) {
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.CLIENT_ID_CONFIG, "annals-projection-probe"))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      var answer = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      long[] ends = new long[partitions];
      answer.forEach((tp, info) -> ends[tp.partition()] = info.offset());
      return ends;
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaProjectionException("cannot read the end offsets of topic '" + topic + "' on Kafka at "
          + bootstrap + " within " + timeout.toMillis() + " ms: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaProjectionException("interrupted while asking Kafka at " + bootstrap + " about topic " + topic, e);
    }
  }

  private static KafkaProjectionException unreachable(String bootstrap, Duration timeout, Throwable cause) {
    return new KafkaProjectionException("cannot reach Kafka at " + bootstrap + " within " + timeout.toMillis()
        + " ms: check the bootstrap address and that the broker is running", cause);
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
  }
}
