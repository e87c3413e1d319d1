package dev.annals.cli;

import dev.annals.kafka.local.LocalKafka;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving the CLI's tests one in-process {@link LocalKafka} per test JVM (started on first use,
 * stopped when the JVM exits), injected as a parameter. Tests create topics of their own (unique names).
 */
final class CliKafka implements ParameterResolver {

  private static LocalKafka cluster;

  private static boolean hooked;

  static synchronized LocalKafka shared() {
    if (cluster == null) {
      cluster = LocalKafka.start();
      if (!hooked) { // for a cluster asked for outside a test run's extension
        Runtime.getRuntime().addShutdownHook(new Thread(CliKafka::stop, "annals-cli-test-kafka-stop"));
        hooked = true;
      }
    }
    return cluster;
  }

  /**
   * Stops the cluster; the extension does it when the test run ends, before the JVM exits (a broker still
   * running while exit hooks delete its directories may halt the JVM with a non-zero status).
   */
  static synchronized void stop() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalKafka started = shared();
    context.getRoot().getStore(ExtensionContext.Namespace.create(CliKafka.class))
        .getOrComputeIfAbsent("stop", k -> (AutoCloseable) CliKafka::stop, AutoCloseable.class);
    return started;
  }
}
