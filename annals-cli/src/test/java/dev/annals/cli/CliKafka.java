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

  static synchronized LocalKafka shared() {
    if (cluster == null) {
      LocalKafka started = LocalKafka.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "annals-cli-test-kafka-stop"));
      cluster = started;
    }
    return cluster;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared();
  }
}
