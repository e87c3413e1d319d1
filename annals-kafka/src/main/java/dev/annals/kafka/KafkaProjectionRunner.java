package dev.annals.kafka;

import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionFailedException;
import dev.annals.cqrs.projection.ProjectionId;
import dev.annals.cqrs.projection.ProjectionTarget;
import dev.annals.cqrs.projection.ReadModelException;
import dev.annals.cqrs.projection.SourceOffset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Projection} from a topic an exporter writes ({@link CloudEventsFormat} records), as one
 * member of a consumer group: the group shares the topic's partitions among its members, in this
 * process or others. Reads {@code read_committed} without Kafka's own offset commits: each partition's
 * next offset (and the store position of the last event read there) is committed in the projection's
 * target, in the same transaction as the rows it produced, by a compare-and-set on the offset this
 * member last saw. So:
 * <ul>
 *   <li>on assignment the member seeks to the stored offset (the beginning when none): nothing
 *       committed is applied again, nothing uncommitted is skipped;</li>
 *   <li>a member commits each poll's records before it polls again, so a revocation (which Kafka
 *       delivers inside a poll) finds nothing in flight; a crash loses only an uncommitted transaction,
 *       which the next owner redoes;</li>
 *   <li>a member that lost a partition without noticing (a long pause) cannot commit rows for it after
 *       the new owner did: its compare-and-set fails, its transaction rolls back, it re-reads the stored
 *       offset.</li>
 * </ul>
 * Events outside the projection's filter are read and count as applied. Failing appliers follow the
 * settings' failure policy ({@link RecordBatchApplier}).
 *
 * <p>Thread-safe. Uses one platform thread, which owns the Kafka consumer.
 */
public final class KafkaProjectionRunner<S> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProjectionRunner.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long LAG_REFRESH_NANOS = 1_000_000_000L;
  private static final long AWAIT_RECHECK_MS = 25;

  /** A partition this member owns; written by the consumer thread, read by any. */
  private static final class Owned {
    volatile long stored;
    volatile long position;
    volatile long end = -1;

    Owned(SourceOffset s) {
      this.stored = s.nextOffset();
      this.position = s.position();
    }
  }

  private final Projection<S> projection;
  private final ProjectionTarget<S> target;
  private final KafkaProjectionSettings settings;
  private final int partitions;
  private final RecordBatchApplier<S> applier;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConcurrentHashMap<Integer, Owned> owned = new ConcurrentHashMap<>();
  private final AtomicLong parked = new AtomicLong();
  private final Object progress = new Object();
  private final Thread thread;
  private volatile KafkaProjectionStatus.State state = KafkaProjectionStatus.State.STARTING;
  private volatile Optional<String> failure = Optional.empty();
  private volatile boolean closing;
  private long lagRefreshedAt;

  private KafkaProjectionRunner(Projection<S> projection, ProjectionTarget<S> target, KafkaProjectionSettings settings,
      int partitions, Clock clock) {
    this.projection = projection;
    this.target = target;
    this.settings = settings;
    this.partitions = partitions;
    this.applier = new RecordBatchApplier<>(projection, target, settings.source(), settings.failurePolicy(), clock);
    this.consumer = new KafkaConsumer<>(consumerConfig(settings), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "annals-kafka-projection-" + projection.name());
  }

  /**
   * Checks the broker, the topic and the stored offsets, prepares the projection in the target, then
   * joins the group on its own thread.
   *
   * @throws KafkaProjectionException the configuration is wrong; the message names what to fix
   */
  public static <S> KafkaProjectionRunner<S> start(Projection<S> projection, ProjectionTarget<S> target,
      KafkaProjectionSettings settings) {
    int partitions = TopicProbe.partitions(settings.bootstrap(), settings.topic(), settings.connectTimeout());
    try {
      target.open(projection, 1);
    } catch (ReadModelException raced) {
      target.open(projection, 1); // another member created the checkpoint at the same moment
    }
    List<SourceOffset> stored;
    try {
      stored = target.openSource(projection.id(), settings.source(), partitions);
    } catch (UnsupportedOperationException e) {
      throw new KafkaProjectionException("projection " + projection.id() + " cannot run from Kafka: its read model"
          + " target cannot store Kafka offsets beside the rows; use a JDBC or in-memory target", e);
    }
    if (stored.size() != partitions) {
      throw new KafkaProjectionException("topic '" + settings.topic() + "' has " + partitions + " partitions but"
          + " projection " + projection.id() + " stored offsets for " + stored.size() + " partitions of it: the topic"
          + " was re-created with another partition count. Build the projection as a new version from this topic,"
          + " or point it at the topic it was built from");
    }
    KafkaProjectionRunner<S> runner;
    try {
      runner = new KafkaProjectionRunner<>(projection, target, settings, partitions, Clock.systemUTC());
    } catch (KafkaException e) {
      throw new KafkaProjectionException("cannot create a Kafka consumer for topic '" + settings.topic() + "': "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
          + "; check the Kafka properties given", e);
    }
    runner.thread.start();
    return runner;
  }

  private static Map<String, Object> consumerConfig(KafkaProjectionSettings s) {
    Map<String, Object> c = new HashMap<>(s.kafkaProperties());
    // A fetch waits for new bytes, and a transaction's commit marker may not end the wait: Kafka's 500 ms
    // default would then be the read-your-writes latency of an idle topic.
    c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    // Kafka's fixed 64 KiB receive buffer overflows under a burst of fetched batches: the kernel drops a
    // segment and TCP resends it only after its 200 ms minimum timeout (the bench saw ~210 ms stalls in
    // half its runs); the OS's auto-tuned buffer does not overflow.
    c.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Positions come from the target only; an offset Kafka no longer has is an error, never a silent skip.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return c;
  }

  private final ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (assigned.isEmpty()) {
        return;
      }
      List<SourceOffset> stored = target.sourceOffsets(projection.id(), settings.source());
      for (TopicPartition tp : assigned) {
        if (tp.partition() >= stored.size()) {
          throw new KafkaProjectionException("topic '" + settings.topic() + "' gained partitions while projection "
              + projection.id() + " ran (it stored offsets for " + stored.size() + "): streams now map to other"
              + " partitions; build the projection as a new version from this topic");
        }
        Owned o = new Owned(stored.get(tp.partition()));
        seek(tp, o.stored);
        owned.put(tp.partition(), o);
      }
      lagRefreshedAt = 0;
      LOG.info("{}: assigned partitions {} of {}", projection.id(), assigned, settings.topic());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      // Nothing is in flight: each poll's records are committed before the next poll.
      revoked.forEach(tp -> owned.remove(tp.partition()));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      onPartitionsRevoked(lost);
    }
  };

  private void seek(TopicPartition tp, long stored) {
    if (stored == SourceOffset.NONE) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, stored);
    }
  }

  private void run() {
    try (consumer) {
      consumer.subscribe(List.of(settings.topic()), listener);
      state = KafkaProjectionStatus.State.RUNNING;
      while (!closing) {
        try {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          for (TopicPartition tp : records.partitions()) {
            Owned o = owned.get(tp.partition());
            if (o != null) {
              applyPolled(tp, o, records.records(tp));
            }
          }
          if (records.isEmpty()) {
            advanceIdle();
          }
          refreshLag();
        } catch (WakeupException e) {
          // close() asks to stop; the loop condition decides.
        }
      }
      state = KafkaProjectionStatus.State.STOPPED;
    } catch (OffsetOutOfRangeException e) {
      fail("the stored offsets " + e.offsetOutOfRangePartitions() + " are no longer in topic '" + settings.topic()
          + "' (deleted by retention?): build the projection as a new version", e);
    } catch (InterruptedException e) {
      state = KafkaProjectionStatus.State.STOPPED;
    } catch (ProjectionFailedException e) {
      fail(e.getMessage(), e);
    } catch (RuntimeException e) {
      fail(projection.id() + " stopped reading topic '" + settings.topic() + "': " + e.getMessage(), e);
    } finally {
      owned.clear();
      signal();
    }
  }

  private void fail(String message, Exception e) {
    LOG.error("{}", message, e);
    failure = Optional.of(message);
    state = KafkaProjectionStatus.State.FAILED;
  }

  private void applyPolled(TopicPartition tp, Owned o, List<ConsumerRecord<byte[], byte[]>> records)
      throws InterruptedException {
    List<RecordedEvent> events = new ArrayList<>(records.size());
    long lastPosition = o.position;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      RecordedEvent e = CloudEventsFormat.fromRecord(r).event();
      lastPosition = Math.max(lastPosition, e.position());
      if (projection.filter().matches(e)) {
        events.add(e);
      }
    }
    // Past this poll's records and any transaction markers among them (never past an unseen record).
    long next = Math.max(records.getLast().offset() + 1, consumer.position(tp));
    commit(tp, o, events, new SourceOffset(tp.partition(), next, lastPosition));
  }

  /** Moves the stored offset past transaction markers the consumer skipped, so an idle partition shows no lag. */
  private void advanceIdle() throws InterruptedException {
    for (Map.Entry<Integer, Owned> e : owned.entrySet()) {
      TopicPartition tp = new TopicPartition(settings.topic(), e.getKey());
      Owned o = e.getValue();
      long position;
      try {
        position = consumer.position(tp, Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException unknownYet) {
        continue;
      }
      if (position > o.stored) {
        commit(tp, o, List.of(), new SourceOffset(tp.partition(), position, o.position));
      }
    }
  }

  private void commit(TopicPartition tp, Owned o, List<RecordedEvent> events, SourceOffset next)
      throws InterruptedException {
    switch (applier.apply(events, o.stored, next)) {
      case RecordBatchApplier.Committed c -> {
        o.stored = next.nextOffset();
        o.position = next.position();
        parked.addAndGet(c.parked());
        signal();
      }
      case RecordBatchApplier.Fenced f -> {
        LOG.warn("{}; re-reading the stored offset", f.reason());
        SourceOffset stored = target.sourceOffsets(projection.id(), settings.source()).get(tp.partition());
        o.stored = stored.nextOffset();
        o.position = stored.position();
        try {
          seek(tp, o.stored);
        } catch (IllegalStateException notAssigned) {
          owned.remove(tp.partition()); // this member was dropped from the group; its next poll rejoins
        }
      }
    }
  }

  private void refreshLag() {
    long now = System.nanoTime();
    if (lagRefreshedAt != 0 && now - lagRefreshedAt < LAG_REFRESH_NANOS || owned.isEmpty()) {
      return;
    }
    lagRefreshedAt = now;
    List<TopicPartition> tps = owned.keySet().stream().map(p -> new TopicPartition(settings.topic(), p)).toList();
    try {
      consumer.endOffsets(tps, Duration.ofMillis(500)).forEach((tp, end) -> {
        Owned o = owned.get(tp.partition());
        if (o != null && end != null) {
          o.end = end;
        }
      });
    } catch (KafkaException e) {
      LOG.debug("{}: end offsets of {} not known now: {}", projection.id(), settings.topic(), e.toString());
    }
  }

  private void signal() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  public ProjectionId projection() {
    return projection.id();
  }

  /** The topic's partition count. */
  public int partitions() {
    return partitions;
  }

  /** The partitions this member owns now, with their lag. */
  public List<PartitionLag> lag() {
    List<PartitionLag> out = new ArrayList<>();
    owned.forEach((p, o) -> out.add(lagOf(p, o)));
    out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return out;
  }

  /** The lag of {@code partition} when this member owns it and its end offset is known. */
  public OptionalLong lag(int partition) {
    Owned o = owned.get(partition);
    if (o == null) {
      return OptionalLong.empty();
    }
    PartitionLag l = lagOf(partition, o);
    return l.lag() < 0 ? OptionalLong.empty() : OptionalLong.of(l.lag());
  }

  private static PartitionLag lagOf(int partition, Owned o) {
    long end = o.end;
    long stored = o.stored;
    return new PartitionLag(partition, end, stored, o.position, end < 0 ? -1 : Math.max(0, end - Math.max(0, stored)));
  }

  public KafkaProjectionStatus status() {
    return new KafkaProjectionStatus(projection.id(), settings.topic(), settings.group(), state, partitions, lag(),
        parked.get(), failure);
  }

  /** Micrometer gauges of this member: lag and applied position per partition, owned partitions. */
  public KafkaProjectionMetrics metrics() {
    return new KafkaProjectionMetrics(this);
  }

  /**
   * The store position up to which {@code partition} has been applied, as committed in the target by
   * whichever member owns it.
   */
  public long appliedPosition(int partition) {
    return target.sourceOffsets(projection.id(), settings.source()).get(partition).position();
  }

  /**
   * Waits until the event at {@code position} of {@code stream} (e.g. an append's
   * {@code lastPosition}) has been applied by the group, whichever member owns its partition: its
   * partition (the stream decides it, as the exporter's producer did) has been applied up to
   * {@code position}. Read-your-writes for a Kafka-fed read model.
   *
   * @throws TimeoutException not applied within {@code timeout}; the message says where the partition is
   * @throws IllegalStateException this member has failed (and no other member applied it meanwhile)
   */
  public void awaitApplied(String stream, long position, Duration timeout)
      throws TimeoutException, InterruptedException {
    int partition = KafkaPartitioning.partitionOf(stream, partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Owned mine = owned.get(partition);
      long applied = mine != null && mine.position >= position ? mine.position : appliedPosition(partition);
      if (applied >= position) {
        return;
      }
      if (state == KafkaProjectionStatus.State.FAILED) {
        throw new IllegalStateException(failure.orElse(projection.id() + " failed"));
      }
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        throw new TimeoutException("projection " + projection.id() + " has not applied position " + position
            + " of stream " + stream + " within " + timeout.toMillis() + " ms: partition " + partition + " of topic '"
            + settings.topic() + "' is applied up to position " + applied);
      }
      synchronized (progress) {
        progress.wait(Math.min(remainingMs, AWAIT_RECHECK_MS));
      }
    }
  }

  /**
   * Waits until the group has applied every record committed to the topic when this is called: each
   * partition's stored offset reaches its end as of now (whichever member owns it). For benchmarks,
   * tests and "caught up?" checks; {@link #awaitApplied} is the read-your-writes wait.
   *
   * @throws TimeoutException not caught up within {@code timeout}; the message lists the partitions behind
   * @throws KafkaProjectionException the broker did not answer with the end offsets
   */
  public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long[] ends = TopicProbe.endOffsets(settings.bootstrap(), settings.topic(), partitions, timeout);
    while (true) {
      List<String> behind = new ArrayList<>();
      for (SourceOffset s : target.sourceOffsets(projection.id(), settings.source())) {
        if (Math.max(0, s.nextOffset()) < ends[s.partition()]) {
          behind.add(s.partition() + " at " + Math.max(0, s.nextOffset()) + " of " + ends[s.partition()]);
        }
      }
      if (behind.isEmpty()) {
        return;
      }
      if (state == KafkaProjectionStatus.State.FAILED) {
        throw new IllegalStateException(failure.orElse(projection.id() + " failed"));
      }
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        throw new TimeoutException("projection " + projection.id() + " has not caught up with topic '"
            + settings.topic() + "' within " + timeout.toMillis() + " ms: partitions " + String.join(", ", behind));
      }
      synchronized (progress) {
        progress.wait(Math.min(remainingMs, AWAIT_RECHECK_MS));
      }
    }
  }

  /** Leaves the group (its partitions go to the other members) and stops. */
  @Override
  public void close() {
    closing = true;
    if (thread.isAlive()) {
      consumer.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(30));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
