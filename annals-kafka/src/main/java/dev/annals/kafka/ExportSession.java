package dev.annals.kafka;

import dev.annals.core.ChainHash;
import dev.annals.core.ExclusiveRole;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One transactional producer's run for one store and topic: opened by fencing every earlier producer of the
 * same transactional id ({@code initTransactions()}), reading the committed progress and checking that the
 * store still holds that history; then exports in transactions, each holding events and the progress record
 * that names the last of them. When a Kafka call fails the session is dropped and a new one resumes from
 * what Kafka committed, so nothing in this object needs to survive an error. Used by one thread.
 */
final class ExportSession implements AutoCloseable {

  /** Kafka aborts an exporter's transaction left open this long (a crashed exporter of another store). */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
  /** Events read from the store per call. */
  static final int PAGE = 1000;

  private final StoredEventReader store;
  private final ExportSettings settings;
  private final UUID storeId;
  private final byte[] progressKey;
  private final int partitions;
  private final KafkaProducer<byte[], byte[]> producer;
  private long position;
  private byte[] hash;

  private ExportSession(StoredEventReader store, ExportSettings settings, UUID storeId, int partitions,
      KafkaProducer<byte[], byte[]> producer) {
    this.store = store;
    this.settings = settings;
    this.storeId = storeId;
    this.progressKey = ExportProgress.key(storeId, settings.topic());
    this.partitions = partitions;
    this.producer = producer;
  }

  /** The transactional id of every exporter of {@code storeId} to {@code topic}: a second one fences the first. */
  static String transactionalId(UUID storeId, String topic) {
    return "annals-export-" + storeId + "-" + topic;
  }

  /**
   * Fences earlier producers, reads the progress and checks the store against it.
   *
   * @throws KafkaExportException the store is behind or beside what Kafka holds, or Kafka failed
   */
  static ExportSession open(StoredEventReader store, ExportSettings settings, int partitions) {
    UUID storeId = store.storeId();
    Map<String, Object> props = ExportTopics.clientProperties(settings, transactionalId(storeId, settings.topic()));
    props.remove(org.apache.kafka.clients.CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG); // not a producer setting
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(storeId, settings.topic()));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ExportTopics.timeout(settings).toMillis());
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0); // a caught-up exporter commits at once anyway
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
        new ByteArraySerializer());
    ExportSession session = new ExportSession(store, settings, storeId, partitions, producer);
    try {
      producer.initTransactions();
      session.resume(ProgressReader.read(settings, session.progressKey, partitions));
      return session;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      session.closeNow();
      throw new KafkaExportException("starting a Kafka transaction on " + settings.bootstrap() + " took longer than "
          + ExportTopics.timeout(settings).toMillis() + " ms; check that the brokers are up and allow transactions", e);
    } catch (KafkaException e) {
      session.closeNow();
      throw new KafkaExportException("starting a Kafka transaction on " + settings.bootstrap() + " failed: "
          + ExportTopics.rootMessage(e), e);
    } catch (RuntimeException e) {
      session.closeNow();
      throw e;
    }
  }

  private void resume(ExportProgress p) {
    if (p.position() > 0 && p.partitions() != partitions) {
      throw new ExportRefusedException("the topic '" + settings.topic() + "' has " + partitions + " partitions but had "
          + p.partitions() + " when this store's export began: streams would move to other partitions and lose their"
          + " order; export to a new topic with the old partition count");
    }
    if (p.position() > 0) {
      long head = store.headPosition();
      if (head < p.position()) {
        throw new ExportRefusedException("the topic '" + settings.topic() + "' already holds this store's events up to"
            + " position " + p.position() + " but the store ends at position " + head + ": it was restored from an"
            + " older copy; export the restored store to a new topic (or restore a copy that reaches position "
            + p.position() + ")");
      }
      List<StoredEvent> at = store.readStored(p.position(), 1);
      byte[] stored = at.isEmpty() ? new byte[0] : at.get(0).chainHash();
      if (!Arrays.equals(stored, p.hash())) {
        throw new ExportRefusedException("the store's event at position " + p.position() + " has chain hash "
            + ChainHash.hex(stored) + " but the topic '" + settings.topic() + "' holds this store's event " + p.position()
            + " with hash " + p.hashHex() + ": the store was replaced by a different history; export it to a new"
            + " topic");
      }
    }
    position = p.position();
    hash = p.hash();
  }

  /** The last position committed to Kafka. */
  long position() {
    return position;
  }

  /**
   * Exports the events after {@link #position()} up to the head (at most {@link
   * ExportSettings#maxEventsPerTransaction()}) in one transaction, and commits it.
   *
   * @return how many events it exported; 0 when the store had none new (no transaction then)
   * @throws KafkaException the transaction failed (the caller drops this session)
   * @throws KafkaExportException the role was lost or the store gave an unexpected position
   */
  int exportOnce(ExclusiveRole role) {
    long head = store.headPosition();
    if (head <= position) {
      return 0;
    }
    if (!role.held()) {
      throw new ExportRefusedException("this exporter lost the store's " + role.name() + " role (for PostgreSQL: the"
          + " database connection holding its lock was lost); restart it");
    }
    producer.beginTransaction();
    long p = position;
    byte[] h = hash;
    int n = 0;
    int max = settings.maxEventsPerTransaction();
    while (n < max && p < head) {
      List<StoredEvent> page = store.readStored(p + 1, Math.min(PAGE, max - n));
      if (page.isEmpty()) {
        break;
      }
      for (StoredEvent e : page) {
        long at = e.event().position();
        if (at != p + 1) {
          throw new ExportRefusedException("the store gave position " + at + " where " + (p + 1) + " was expected");
        }
        producer.send(CloudEventsFormat.toRecord(settings.topic(), storeId, e));
        p = at;
      }
      h = page.get(page.size() - 1).chainHash();
      n += page.size();
    }
    producer.send(new ProducerRecord<>(settings.progressTopic(), progressKey, new ExportProgress(p, h, partitions)
        .encode()));
    producer.commitTransaction();
    position = p;
    hash = h;
    return n;
  }

  /** Closes the producer without waiting (an open transaction is aborted by the next exporter's start, or by Kafka). */
  void closeNow() {
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      // closing after a failure: nothing more to do
    }
  }

  /** Aborts an open transaction and closes the producer, waiting up to the start-up timeout. */
  @Override
  public void close() {
    producer.close(ExportTopics.timeout(settings));
  }
}
