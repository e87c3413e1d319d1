package dev.annals.kafka;

import dev.annals.core.ExclusiveRole;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEventReader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a store's log to a Kafka topic exactly once (docs/kafka.md): each event one record
 * ({@link CloudEventsFormat}), key = its stream, in Kafka transactions that also write the last exported
 * position and its chain hash to a compacted progress topic. A restart resumes after what Kafka committed;
 * a second exporter of the same store and topic is refused (the store's {@code export:<topic>} role) or, if it
 * gets that far, fences the first (same transactional id). Refuses to run on a store that no longer holds
 * the history Kafka has.
 *
 * <p>{@link #start} makes every check on the caller's thread, then exports on its own thread until
 * {@link #close}: when caught up it waits for the store's next commit and commits each transaction as soon
 * as it reaches the head. A failed transaction is dropped and the export resumes from Kafka's committed
 * progress; a fenced exporter, a refused store or a lost role stops it ({@link ExportStatus.State#FAILED}).
 * Thread-safe.
 */
public final class KafkaExporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExporter.class);
  /** The longest a caught-up exporter waits before looking at its stop flag again (new events wake it at once). */
  private static final Duration IDLE_WAIT = Duration.ofMillis(100);
  private static final long MAX_BACKOFF_MS = 10_000;

  private final StoredEventReader store;
  private final ExportSettings settings;
  private final ExclusiveRole role;
  private final int partitions;
  private final ExportRate rate = new ExportRate();
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Counted down by {@link #close}: ends a retry's backoff at once. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private volatile ExportSession session;
  private volatile long exported;
  private volatile ExportStatus.State state = ExportStatus.State.STARTING;
  private volatile String failure;

  private KafkaExporter(StoredEventReader store, ExportSettings settings, ExclusiveRole role, int partitions,
      ExportSession session) {
    this.store = store;
    this.settings = settings;
    this.role = role;
    this.partitions = partitions;
    this.session = session;
    this.exported = session.position();
    this.thread = Thread.ofPlatform().name("annals-kafka-export-" + settings.topic()).daemon().unstarted(this::run);
  }

  /** The role an exporter of a store to {@code topic} holds. */
  public static String role(String topic) {
    return "export:" + topic;
  }

  /**
   * Checks the broker, the topics, the store's {@code export:<topic>} role and that the store is not behind
   * what Kafka holds, then exports on its own thread until closed.
   *
   * @throws KafkaExportException a check failed; the message names what to fix
   */
  public static KafkaExporter start(StoredEventReader store, ExportSettings settings) {
    int partitions = ExportTopics.check(settings);
    ExclusiveRole role = store.tryAcquireRole(role(settings.topic())).orElseThrow(() -> new ExportRoleHeldException(
        "another exporter of this store to the topic '" + settings.topic() + "' is running (it holds the store's "
            + role(settings.topic()) + " role); stop it first, or export to another topic"));
    try {
      ExportSession session = ExportSession.open(store, settings, partitions);
      KafkaExporter exporter = new KafkaExporter(store, settings, role, partitions, session);
      LOG.info("exporting store {} to Kafka topic {} on {} after position {}", store.storeId(), settings.topic(),
          settings.bootstrap(), session.position());
      exporter.state = ExportStatus.State.RUNNING;
      exporter.thread.start();
      return exporter;
    } catch (RuntimeException e) {
      role.close();
      throw e;
    }
  }

  /** The settings it runs with. */
  public ExportSettings settings() {
    return settings;
  }

  /** Where the export is now. */
  public ExportStatus status() {
    long head;
    try {
      head = store.headPosition();
    } catch (RuntimeException e) {
      head = exported; // a closed or failed store: no lag to show
    }
    return new ExportStatus(settings.topic(), exported, head, rate.perSecond(System.nanoTime()), state,
        Optional.ofNullable(failure));
  }

  private void run() {
    try {
      while (!stopping.get()) {
        try {
          int n = session.exportOnce(role);
          if (n > 0) {
            exported = session.position();
            rate.record(System.nanoTime(), exported);
            failure = null;
          } else {
            store.awaitHeadAbove(session.position(), IDLE_WAIT);
          }
        } catch (KafkaException e) {
          Optional<String> fatal = fatal(e);
          if (fatal.isPresent()) {
            fail(fatal.get());
            return;
          }
          if (!stopping.get() && !reopen(ExportTopics.rootMessage(e))) {
            return;
          }
        } catch (StoreUnavailableException e) {
          if (!stopping.get() && !reopen("the store is unavailable: " + e.getMessage())) {
            return;
          }
        }
      }
    } catch (ExportRefusedException e) {
      fail(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail("the export stopped: " + e.getMessage());
      LOG.error("the Kafka export to {} stopped", settings.topic(), e);
    } finally {
      ExportSession s = session;
      if (s != null) {
        try {
          s.close();
        } catch (RuntimeException e) {
          s.closeNow();
        }
      }
      role.close();
      if (state != ExportStatus.State.FAILED) {
        state = ExportStatus.State.STOPPED;
      }
    }
  }

  /**
   * Drops the failed session and opens a new one (resuming from Kafka's progress), retrying with backoff
   * while Kafka or the store is unavailable.
   */
  private boolean reopen(String cause) throws InterruptedException {
    LOG.warn("a transaction of the export to {} failed; resuming from the committed progress: {}",
        settings.topic(), cause);
    session.closeNow();
    session = null;
    state = ExportStatus.State.STARTING;
    failure = "retrying after: " + cause;
    long backoff = 100;
    while (!stopping.get()) {
      try {
        session = ExportSession.open(store, settings, partitions);
        exported = session.position();
        state = ExportStatus.State.RUNNING;
        failure = null;
        return true;
      } catch (ExportRefusedException e) {
        fail(e.getMessage());
        return false;
      } catch (KafkaExportException | StoreUnavailableException e) {
        failure = "retrying after: " + e.getMessage();
        LOG.warn("resuming the export to {} failed (retrying in {} ms): {}", settings.topic(), backoff, e.getMessage());
        if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
          return false;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
    return false;
  }

  /** The reason to stop for good, when {@code e} is one a new producer cannot fix. */
  private Optional<String> fatal(KafkaException e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
        return Optional.of("another exporter of this store to the topic '" + settings.topic() + "' took over (Kafka"
            + " fenced this one); only one may run");
      }
      // Kafka 4's transaction protocol can answer a fenced producer's next call INVALID_TXN_STATE: a new
      // exporter's initTransactions (or the transaction timeout) ended this one's transaction. Starting again
      // would fence the exporter that took over, so this one stops.
      if (c instanceof InvalidTxnStateException) {
        return Optional.of("another exporter of this store to the topic '" + settings.topic() + "' took over, or"
            + " Kafka ended this exporter's transaction after " + ExportSession.TRANSACTION_TIMEOUT.toSeconds()
            + " s (Kafka fenced this one); only one may run");
      }
      if (c instanceof AuthorizationException) {
        return Optional.of("Kafka refused the exporter: " + c.getMessage() + "; grant it write and transactional"
            + " access to the topics '" + settings.topic() + "' and '" + settings.progressTopic() + "'");
      }
      if (c instanceof UnsupportedVersionException) {
        return Optional.of("the brokers at " + settings.bootstrap() + " do not support transactions: "
            + c.getMessage());
      }
      if (c instanceof RecordTooLargeException) {
        return Optional.of("an event after position " + exported + " is larger than Kafka accepts (" + c.getMessage()
            + "); raise kafka.max.request.size and the topic's max.message.bytes");
      }
    }
    return Optional.empty();
  }

  private void fail(String why) {
    failure = why;
    state = ExportStatus.State.FAILED;
    LOG.error("the Kafka export to {} stopped: {}", settings.topic(), why);
  }

  /** Stops exporting (an open transaction is aborted) and releases the role. Idempotent. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    stopped.countDown();
    try {
      thread.join(ExportTopics.timeout(settings).plusSeconds(5));
      if (thread.isAlive()) {
        ExportSession s = session;
        if (s != null) {
          s.closeNow(); // a call blocked on unreachable brokers fails now
        }
        thread.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    role.close();
    if (state != ExportStatus.State.FAILED) {
      state = ExportStatus.State.STOPPED;
    }
  }
}
