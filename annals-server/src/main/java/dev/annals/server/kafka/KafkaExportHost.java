package dev.annals.server.kafka;

import dev.annals.core.StoredEventReader;
import dev.annals.kafka.ExportSettings;
import dev.annals.kafka.ExportStatus;
import dev.annals.kafka.KafkaExportException;
import dev.annals.kafka.KafkaExporter;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KafkaExporter} run by a server on the server's own store: {@link #start} starts it on a
 * thread of its own (the exporter's checks talk to the brokers, which may take their timeout; the server
 * does not wait for them), {@link #status} says where it is, {@link #close} stops it. An export that
 * cannot start or stops on an error is {@code FAILED} with the reason in the user's words, and stays so
 * until the server restarts; the server goes on serving. Thread-safe.
 */
public final class KafkaExportHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExportHost.class);
  /** How long {@link #close} waits for a start in progress to give up. */
  private static final Duration START_GIVE_UP = Duration.ofSeconds(10);

  private final StoredEventReader store;
  private final ExportSettings settings;
  private @Nullable Thread starter;
  private @Nullable KafkaExporter exporter;
  private @Nullable String startFailure;
  private @Nullable ExportStatus whenStopped;
  private boolean closed;
  private long lastHead;

  /** An export of {@code store} (the server's store, through its engine) as {@code settings} say; not started. */
  public KafkaExportHost(StoredEventReader store, ExportSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** What the export was told: the brokers and topics. */
  public ExportSettings settings() {
    return settings;
  }

  /** Starts the exporter on a thread of its own and returns at once; {@link #status} is {@code STARTING} until it runs. */
  public synchronized void start() {
    if (starter != null || closed) {
      return;
    }
    starter = Thread.ofPlatform().name("annals-kafka-export-start").daemon().start(this::startExporter);
  }

  private void startExporter() {
    KafkaExporter started;
    try {
      started = KafkaExporter.start(store, settings);
    } catch (KafkaExportException e) {
      failedToStart(e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.error("the Kafka export to {} could not start", settings.topic(), e);
      failedToStart("the export could not start: " + e.getMessage());
      return;
    }
    synchronized (this) {
      if (!closed) {
        exporter = started;
        LOG.info("exporting the store to Kafka topic {} through {}", settings.topic(), settings.bootstrap());
        return;
      }
    }
    started.close(); // the server stopped while the exporter started
  }

  private synchronized void failedToStart(String reason) {
    if (!closed) {
      startFailure = reason;
      LOG.error("the Kafka export to {} failed to start: {}", settings.topic(), reason);
    }
  }

  /** Where the export is: the exporter's own status once it runs, else starting, failed to start, or stopped. */
  public ExportStatus status() {
    KafkaExporter running;
    String failure;
    boolean stopped;
    synchronized (this) {
      running = exporter;
      failure = startFailure;
      stopped = closed;
    }
    if (running != null) {
      return running.status();
    }
    long head = head();
    if (stopped) {
      synchronized (this) {
        if (whenStopped != null) {
          return whenStopped;
        }
      }
      return new ExportStatus(settings.topic(), 0, head, 0, ExportStatus.State.STOPPED, Optional.empty());
    }
    if (failure != null) {
      return new ExportStatus(settings.topic(), 0, head, 0, ExportStatus.State.FAILED, Optional.of(failure));
    }
    return new ExportStatus(settings.topic(), 0, head, 0, ExportStatus.State.STARTING, Optional.empty());
  }

  /** The store's head, or the last one read when the store cannot be read now (its own routes say why). */
  private long head() {
    try {
      long head = store.headPosition();
      synchronized (this) {
        lastHead = head;
      }
      return head;
    } catch (RuntimeException e) {
      synchronized (this) {
        return lastHead;
      }
    }
  }

  /**
   * Stops the export: the exporter ends its transaction and gives up its role; a start in progress is
   * interrupted and waited for (a while). Idempotent.
   */
  @Override
  public void close() {
    Thread starting;
    KafkaExporter running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      starting = starter;
      running = exporter;
      exporter = null;
    }
    if (running != null) {
      running.close();
      ExportStatus last = running.status();
      synchronized (this) {
        whenStopped = last;
      }
    }
    if (starting != null && starting.isAlive()) {
      starting.interrupt();
      try {
        if (!starting.join(START_GIVE_UP)) {
          LOG.warn("the Kafka export's start did not end within {} s of the stop", START_GIVE_UP.toSeconds());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
