package dev.annals.kafka;

import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A child JVM of {@link KafkaProjectionCrashTest}: one member of the balances projection's consumer
 * group, into the SQLite read model in a directory shared with the other members. Prints
 * {@code started} once it runs; stops cleanly when its standard input ends (or dies by SIGKILL).
 *
 * <p>Arguments: bootstrap, topic, group, read model directory.
 */
public final class KafkaProjectionMember {

  private KafkaProjectionMember() {}

  public static void main(String[] args) throws IOException {
    KafkaProjectionSettings settings = KafkaProjectionSettings.of(args[0], args[1], args[2])
        .withKafkaProperty("session.timeout.ms", "6000")
        .withKafkaProperty("heartbeat.interval.ms", "500")
        .withKafkaProperty("max.poll.records", "200");
    try (JdbcTarget target = JdbcTarget.sqlite(Path.of(args[3]));
        KafkaProjectionRunner<JdbcSession> runner = KafkaProjectionRunner.start(Accounts.jdbc(), target, settings)) {
      System.out.println("started");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Runs until the parent closes our input.
      }
      System.out.println("stopping: " + runner.status());
    }
  }
}
