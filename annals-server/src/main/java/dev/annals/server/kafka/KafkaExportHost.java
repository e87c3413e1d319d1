package dev.annals.server.kafka;

import dev.annals.core.StoredEventReader;
import dev.annals.kafka.ExportRoleHeldException;
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
 * One {@link KafkaExporter} run by a server on the server's own store, on a supervising thread of its own
 * (the exporter's checks talk to the brokers and may take their timeout; the server does not wait for them).
 * An export that cannot start (brokers away, a missing topic, another exporter holding the store's role) or
 * that stops on an error is {@code FAILED}, its reason in the user's words, and is started again after a
 * backoff (1 s, doubling up to 30 s): a topic created later or brokers back let it run without a restart of
 * the server, which goes on serving meanwhile. While another server's exporter holds the store's export role
 * this one is a standby and tries every second, so it takes over within about a second of that one's end.
 * {@link #status} says where it is; {@link #close} stops it. Thread-safe.
 */
public final class KafkaExportHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExportHost.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofSeconds(30);
  /** How often a standby (another server exports) tries to take the export over. */
  static final Duration STANDBY_RETRY = Duration.ofSeconds(1);
  /** How often a running exporter is looked at for a failure. */
  private static final Duration WATCH = Duration.ofMillis(250);
  /** How long {@link #close} waits for the supervising thread (a start in progress) to end. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(15);

  private final StoredEventReader store;
  private final ExportSettings settings;
  private @Nullable Thread supervisor;
  private @Nullable KafkaExporter exporter;
  private @Nullable String failure;
  private Duration retryIn = FIRST_RETRY;
  private long exported;
  private long lastHead;
  private boolean closed;
  private boolean standby;

  /** An export of {@code store} (the server's store, through its engine) as {@code settings} say; not started. */
  public KafkaExportHost(StoredEventReader store, ExportSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** What the export was told: the brokers and topics. */
  public ExportSettings settings() {
    return settings;
  }

  /** Starts the supervising thread and returns at once; {@link #status} is {@code STARTING} until the exporter runs. */
  public synchronized void start() {
    if (supervisor != null || closed) {
      return;
    }
    supervisor = Thread.ofPlatform().name("annals-kafka-export-host").daemon().start(this::supervise);
  }

  private void supervise() {
    Duration backoff = FIRST_RETRY;
    try {
      while (!isClosed()) {
        Optional<KafkaExporter> started = startOnce();
        if (started.isPresent()) {
          backoff = FIRST_RETRY;
          if (!watch(started.get())) {
            return; // closed: close() stops the exporter
          }
        }
        synchronized (this) {
          if (closed) {
            return;
          }
          if (standby) {
            retryIn = STANDBY_RETRY;
            backoff = FIRST_RETRY;
          } else {
            retryIn = backoff;
            LOG.warn("the Kafka export to {} failed ({}); starting it again in {} s", settings.topic(), failure,
                backoff.toSeconds());
            backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
          }
          wait(retryIn.toMillis()); // close() wakes it
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    }
  }

  /** One start; the exporter when it runs (and this host is still open), else empty with the failure kept. */
  private Optional<KafkaExporter> startOnce() {
    KafkaExporter started;
    try {
      started = KafkaExporter.start(store, settings);
    } catch (ExportRoleHeldException e) {
      if (!standby) {
        LOG.info("standing by for the Kafka export to {}: {}", settings.topic(), e.getMessage());
      }
      standby = true;
      failed(e.getMessage());
      return Optional.empty();
    } catch (KafkaExportException e) {
      standby = false;
      failed(e.getMessage());
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.error("the Kafka export to {} could not start", settings.topic(), e);
      failed("the export could not start: " + e.getMessage());
      return Optional.empty();
    }
    standby = false;
    synchronized (this) {
      if (!closed) {
        exporter = started;
        failure = null;
        LOG.info("exporting the store to Kafka topic {} through {}", settings.topic(), settings.bootstrap());
        return Optional.of(started);
      }
    }
    started.close(); // the server stopped while the exporter started
    return Optional.empty();
  }

  /**
   * Watches a running exporter until it fails (then stops it, keeps the reason and returns true: start again)
   * or this host is closed (returns false).
   */
  private boolean watch(KafkaExporter running) throws InterruptedException {
    while (true) {
      ExportStatus s = running.status();
      synchronized (this) {
        if (closed) {
          return false;
        }
        exported = s.exportedPosition();
        if (s.state() == ExportStatus.State.FAILED || s.state() == ExportStatus.State.STOPPED) {
          exporter = null;
          failure = s.failure().orElse("the export stopped");
          break;
        }
        wait(WATCH.toMillis());
      }
    }
    running.close();
    return true;
  }

  private synchronized void failed(String reason) {
    if (!closed) {
      failure = reason;
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Where the export is: the exporter's own status while it runs; {@code FAILED} with the reason (and when it
   * is tried again) between a failure and the next start; {@code STARTING} before the first; {@code STOPPED}
   * once closed.
   */
  public ExportStatus status() {
    KafkaExporter running;
    String why;
    long at;
    boolean stopped;
    Duration retry;
    synchronized (this) {
      running = exporter;
      why = failure;
      at = exported;
      stopped = closed;
      retry = retryIn;
    }
    if (running != null && !stopped) {
      return running.status();
    }
    long head = head();
    if (stopped) {
      return new ExportStatus(settings.topic(), at, head, 0, ExportStatus.State.STOPPED, Optional.empty());
    }
    if (why != null) {
      return new ExportStatus(settings.topic(), at, head, 0, ExportStatus.State.FAILED,
          Optional.of(why + " (trying again every " + retry.toSeconds() + " s)"));
    }
    return new ExportStatus(settings.topic(), at, head, 0, ExportStatus.State.STARTING, Optional.empty());
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
   * Stops the export: the exporter ends its open transaction and gives up its role; a start in progress is
   * interrupted and waited for (a while). Idempotent.
   */
  @Override
  public void close() {
    Thread supervising;
    KafkaExporter running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      supervising = supervisor;
      running = exporter;
      exporter = null;
      notifyAll();
    }
    if (running != null) {
      running.close();
      long last = running.status().exportedPosition();
      synchronized (this) {
        exported = last;
      }
    }
    if (supervising != null && supervising.isAlive()) {
      supervising.interrupt();
      try {
        if (!supervising.join(STOP_WAIT)) {
          LOG.warn("the Kafka export's start did not end within {} s of the stop", STOP_WAIT.toSeconds());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
