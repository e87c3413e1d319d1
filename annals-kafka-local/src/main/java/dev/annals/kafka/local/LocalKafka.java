package dev.annals.kafka.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A throwaway Kafka cluster in this JVM: Kafka's own KRaft test kit, one combined controller+broker
 * node, replication factor 1 for the internal topics (transactions, offsets). Its files live in a
 * temporary directory removed on {@link #close}.
 */
public final class LocalKafka implements AutoCloseable {

  private final KafkaClusterTestKit kit;

  private LocalKafka(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  /**
   * Formats the node's directories. Kafka's formatter prints its bootstrap records to {@code System.out},
   * which is the CLI's output (the demo, the bench): it goes nowhere instead, for the second it takes.
   */
  private static void format(KafkaClusterTestKit kit) throws Exception {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      kit.format();
    } finally {
      System.setOut(out);
    }
  }

  /** Starts a one-node cluster and waits until its broker is ready (about 3 s). */
  public static LocalKafka start() {
    try {
      // A directory of our own: Kafka's default one is deleted by a JVM exit hook of Kafka's, which races
      // the hook that stops this broker (a broker whose log directory vanishes halts the JVM with status 1,
      // before the program's own hooks have cleaned up). close() deletes it.
      Path base = Files.createTempDirectory("annals-kafka-");
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setBaseDirectory(base)
          .setCombined(true)
          .setNumControllerNodes(1)
          .setNumBrokerNodes(1)
          .build();
      KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("offsets.topic.replication.factor", "1")
          // One partition for the group offsets topic: Kafka's 50 cost ~5 s on the first consumer group.
          .setConfigProp("offsets.topic.num.partitions", "1")
          .setConfigProp("transaction.state.log.num.partitions", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          // A produce that meets the previous transaction's unwritten markers is retried inside the broker
          // after this pause; Kafka's 20 ms put a transactional producer's p99 at 60-70 ms, 2 ms at ~20 ms.
          .setConfigProp("add.partitions.to.txn.retry.backoff.ms", "2")
          .build();
      try {
        format(kit);
        kit.startup();
        kit.waitForReadyBrokers();
      } catch (Exception | Error e) {
        closeQuietly(kit);
        throw e;
      }
      return new LocalKafka(kit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Kafka", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not start an in-process Kafka: " + e, e);
    }
  }

  /** {@code host:port} of the broker. */
  public String bootstrap() {
    return kit.bootstrapServers();
  }

  /** An admin client on this cluster; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
  }

  /** Creates a topic with {@code partitions} partitions (replication factor 1). */
  public void createTopic(String name, int partitions) {
    createTopic(new NewTopic(name, partitions, (short) 1));
  }

  /** Creates a compacted topic with one partition, as an exporter's progress topic is. */
  public void createCompactedTopic(String name) {
    createTopic(new NewTopic(name, 1, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
  }

  private void createTopic(NewTopic topic) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(topic)).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating topic " + topic.name() + ": " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    closeQuietly(kit);
  }

  private static void closeQuietly(KafkaClusterTestKit kit) {
    try {
      kit.close();
    } catch (Exception e) {
      System.err.println("stopping the in-process Kafka: " + e);
    }
  }
}
