package dev.annals.kafka;

import dev.annals.kafka.local.LocalKafka;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a real Kafka: one {@link LocalKafka} (Kafka's own KRaft
 * {@code KafkaClusterTestKit}, one combined controller and broker) per test JVM (started on first use,
 * stopped and removed when the test run ends, before the JVM exits: a broker still running while exit
 * hooks delete its directories may halt the JVM with a non-zero status), injected as a parameter of type
 * {@link LocalKafka}. Tests
 * create their own topics (unique names), so they never see each other's records. Kafka comes through
 * Maven, so these tests never skip. Tests that must stop a broker start their own with
 * {@link LocalKafka#start()}.
 */
public final class TestKafka implements ParameterResolver {

  private static final Holder HOLDER = new Holder();

  /** The cluster shared by every test of this JVM. */
  public static LocalKafka shared() {
    return HOLDER.cluster();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalKafka cluster = shared();
    context.getRoot().getStore(ExtensionContext.Namespace.create(TestKafka.class))
        .getOrComputeIfAbsent("stop", k -> (AutoCloseable) HOLDER::close, AutoCloseable.class);
    return cluster;
  }

  private static final class Holder {
    private LocalKafka cluster;

    private boolean hooked;

    synchronized LocalKafka cluster() {
      if (cluster == null) {
        cluster = LocalKafka.start();
        if (!hooked) { // for a cluster asked for outside a test run's extension
          Runtime.getRuntime().addShutdownHook(new Thread(this::close, "annals-test-kafka-stop"));
          hooked = true;
        }
      }
      return cluster;
    }

    synchronized void close() {
      if (cluster != null) {
        cluster.close();
        cluster = null;
      }
    }
  }
}
