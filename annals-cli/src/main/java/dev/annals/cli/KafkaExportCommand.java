package dev.annals.cli;

import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import dev.annals.kafka.KafkaExportException;
import dev.annals.kafka.KafkaExporter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annals kafka-export (--data DIR | --store URL) --bootstrap HOST:PORT --topic NAME}: exports the
 * store's log to a Kafka topic exactly once (docs/kafka.md), in the foreground, until SIGINT/SIGTERM. A
 * progress line says the last position committed to Kafka, how far behind the head that is, and the rate.
 * Stopping ends the open Kafka transaction (committed or aborted, never half) and gives up the store's
 * export role, so another exporter may take over. An export that cannot start, or fails while running,
 * ends the command with one line naming what to fix: exit 2 when it cannot start, 1 when it fails later.
 */
@Command(name = "kafka-export", description = {"Export the store (--data DIR or --store URL) to a Kafka topic,"
    + " exactly once, until stopped (Ctrl-C). Each event is one record: key = stream, value = the event's data,"
    + " CloudEvents headers (docs/kafka.md).",
    "The topic must exist (the progress topic is created, compacted, when missing); at most one exporter runs"
        + " per store and topic."})
final class KafkaExportCommand implements Callable<Integer> {

  /** How often the progress line is redrawn. */
  static final long REFRESH_MILLIS = 500;

  @Mixin StoreOptions where;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
      description = "The Kafka brokers to connect to (HOST:PORT[,HOST:PORT...]).")
  String bootstrap = "";

  @Option(names = "--topic", required = true, paramLabel = "NAME", description = "The topic the events go to.")
  String topic = "";

  @Option(names = "--progress-topic", paramLabel = "NAME",
      description = "The compacted topic the exporter keeps its progress in (default: the topic's name + "
          + ExportSettings.PROGRESS_SUFFIX + ").")
  Optional<String> progressTopic = Optional.empty();

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "A Kafka client property (security, timeouts), e.g. default.api.timeout.ms=30000; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    StoreLocation location = where.location().orElseThrow(() -> new CliFailure(
        "kafka-export needs the store to export: --data DIR or --store URL", 2));
    ExportSettings settings = settings();
    StoreLocation.Engine engine = location.openEngine(false);
    KafkaExporter exporter;
    try {
      exporter = KafkaExporter.start(engine.stored(), settings);
    } catch (KafkaExportException e) {
      engine.store().close();
      throw new CliFailure(e.getMessage(), 2);
    } catch (RuntimeException e) {
      engine.store().close();
      throw e;
    }
    System.out.println("annals: exporting " + location.describe() + " to Kafka topic " + settings.topic() + " at "
        + settings.bootstrap() + " (progress in " + settings.progressTopic() + "); Ctrl-C stops");
    System.out.flush();
    return follow(exporter, engine);
  }

  /** The settings given, or a one-line refusal naming the bad value. */
  ExportSettings settings() {
    try {
      return new ExportSettings(bootstrap.strip(), topic.strip(),
          progressTopic.map(String::strip).orElse(topic.strip() + ExportSettings.PROGRESS_SUFFIX),
          ExportSettings.DEFAULT_TRANSACTION_SIZE, kafkaProperties);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), 2);
    }
  }

  /**
   * Shows the progress until a signal stops the export (the shutdown hook closes the exporter and the store)
   * or the exporter fails (then this closes both and fails with the reason).
   */
  private static int follow(KafkaExporter exporter, StoreLocation.Engine engine) throws InterruptedException {
    ProgressLine progress = ProgressLine.onStderr();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      progress.clear();
      System.out.println("annals: stopping the export (the open transaction ends, the role is given up)");
      System.out.flush();
      try {
        exporter.close();
        System.out.println("annals: stopped; position " + exporter.status().exportedPosition()
            + " is the last one in Kafka");
      } finally {
        engine.store().close();
        System.out.flush();
        stopped.countDown();
      }
    }, "annals-kafka-export-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    while (!stopped.await(REFRESH_MILLIS, TimeUnit.MILLISECONDS)) {
      ExportStatus s = exporter.status();
      if (s.state() == ExportStatus.State.FAILED || s.state() == ExportStatus.State.STOPPED) {
        if (!removeHook(hook)) {
          stopped.await(); // the JVM is stopping anyway: the hook is closing everything
          return 0;
        }
        progress.clear();
        exporter.close();
        engine.store().close();
        throw new CliFailure(s.failure().orElse("the export stopped") + " (exported up to position "
            + s.exportedPosition() + ")", 1);
      }
      progress.show(step(s), count(s));
    }
    return 0;
  }

  private static boolean removeHook(Thread hook) {
    try {
      return Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
  }

  /** What the export does, as the progress line's step (a plain line of its own where stderr is no terminal). */
  static String step(ExportStatus s) {
    return switch (s.state()) {
      case STARTING -> "starting the export to " + s.topic();
      case RUNNING -> "exporting to " + s.topic();
      case FAILED -> "the export to " + s.topic() + " failed";
      case STOPPED -> "the export to " + s.topic() + " stopped";
    };
  }

  /**
   * Where it is: e.g. {@code position 1,200 of 1,300 (100 behind), 5,000 events/s}; while it resumes after a
   * failed transaction, why.
   */
  static String count(ExportStatus s) {
    if (s.state() == ExportStatus.State.STARTING && s.failure().isPresent()) {
      return String.format(Locale.ROOT, "position %,d; %s", s.exportedPosition(), s.failure().get());
    }
    return String.format(Locale.ROOT, "position %,d of %,d (%s), %,.0f events/s", s.exportedPosition(),
        s.headPosition(), s.lag() == 0 ? "caught up" : String.format(Locale.ROOT, "%,d behind", s.lag()),
        s.eventsPerSecond());
  }
}
