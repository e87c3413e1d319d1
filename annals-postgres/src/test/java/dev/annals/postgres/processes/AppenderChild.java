package dev.annals.postgres.processes;

import dev.annals.core.AppendResult;
import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.WrongExpectedVersionException;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM that appends to a PostgreSQL store from several threads, recording in its {@link Journal}
 * every intent before the call and every outcome after it: single events and batches, on streams all the
 * children share (with {@code any} or with the exact version this process last saw, so appends of
 * different processes conflict) and on streams of its own (with the exact version it tracks, so they never
 * conflict unless the process restarted). An append that fails as unavailable is retried with the same
 * event ids until it gets an answer: the engine promises such a retry writes it once.
 *
 * <p>Arguments: {@code URL JOURNAL NAME THREADS MILLIS [CONNECT_TIMEOUT_MILLIS]}: append for {@code MILLIS}
 * after the store opened (0: until killed), with the store's connect timeout (how long an operation waits for
 * PostgreSQL before it fails as unavailable) when given.
 */
public final class AppenderChild {

  /** The kind of an unavailable error whose append may or may not have been written. */
  static final String COMMIT_UNKNOWN = "unavailable:commit_unknown";
  /** Streams every child appends to. */
  static final int SHARED_STREAMS = 6;
  /** How long a thread waits before retrying an append that failed as unavailable. */
  private static final long RETRY_PAUSE_MILLIS = 100;

  private final PostgresEventStore store;
  private final Journal journal;
  private final String name;
  private final long deadlineNanos;
  private final AtomicLong seqs = new AtomicLong();
  /** The last version this process saw of each shared stream (its guess for exact expected versions). */
  private final Map<String, Long> sharedVersions = new ConcurrentHashMap<>();

  private AppenderChild(PostgresEventStore store, Journal journal, String name, long deadlineNanos) {
    this.store = store;
    this.journal = journal;
    this.name = name;
    this.deadlineNanos = deadlineNanos;
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Journal journal = Journal.create(Path.of(args[1]));
    String name = args[2];
    int threads = Integer.parseInt(args[3]);
    long millis = Long.parseLong(args[4]);
    PostgresOptions options = PostgresOptions.of(url);
    if (args.length > 5) {
      options = options.withConnectTimeout(Duration.ofMillis(Long.parseLong(args[5])));
    }
    PostgresEventStore store = openPatiently(options, journal);
    journal.ready();
    long deadline = System.nanoTime() + (millis == 0 ? Long.MAX_VALUE / 2 : millis * 1_000_000);
    AppenderChild child = new AppenderChild(store, journal, name, deadline);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String own = "own-" + name + "-" + t;
      all.add(Thread.ofPlatform().name("appender-" + t).start(() -> child.appendUntilDeadline(own)));
    }
    for (Thread t : all) {
      t.join();
    }
    store.close();
    journal.close();
    System.exit(0);
  }

  /** Opens the store, trying again while PostgreSQL is away (a child may start while it is stopped). */
  private static PostgresEventStore openPatiently(PostgresOptions options, Journal journal)
      throws InterruptedException {
    while (true) {
      try {
        return PostgresEventStore.open(options);
      } catch (RuntimeException e) {
        journal.openFailed(kind(e));
        Thread.sleep(RETRY_PAUSE_MILLIS);
      }
    }
  }

  private boolean timeLeft() {
    return System.nanoTime() - deadlineNanos < 0;
  }

  private void appendUntilDeadline(String own) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long ownVersion = 0;
    while (timeLeft()) {
      int r = rnd.nextInt(100);
      boolean big = r >= 90;
      boolean onOwn = r >= 60 && (!big || rnd.nextBoolean());
      String stream = onOwn ? own : "shared-" + rnd.nextInt(SHARED_STREAMS);
      ExpectedVersion expected;
      if (onOwn) {
        expected = ExpectedVersion.exactly(ownVersion);
      } else if (r >= 35 && r < 60) {
        expected = ExpectedVersion.exactly(sharedVersions.getOrDefault(stream, 0L));
      } else {
        expected = ExpectedVersion.ANY;
      }
      int n = big ? 10 + rnd.nextInt(21) : rnd.nextBoolean() ? 1 : 2 + rnd.nextInt(4);
      long seq = seqs.incrementAndGet();
      List<EventData> batch = new ArrayList<>(n);
      List<UUID> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        UUID id = UUID.randomUUID();
        ids.add(id);
        Json data = Json.of("{\"by\":\"" + name + "\",\"seq\":" + seq + ",\"i\":" + i + "}");
        batch.add(new EventData(id, "Appended", data, Json.EMPTY_OBJECT, Optional.empty()));
      }
      journal.intent(seq, stream, expected.toString(), ids);
      Optional<Long> last = appendAnswered(seq, stream, expected, batch);
      if (onOwn) {
        ownVersion = last.orElse(ownVersion);
      } else {
        last.ifPresent(v -> sharedVersions.merge(stream, v, Math::max));
      }
    }
  }

  /**
   * Appends, retrying with the same ids while the store is unavailable, and records the answer.
   *
   * @return the stream's version as this append learned it (after it, or the actual one of a refusal)
   */
  private Optional<Long> appendAnswered(long seq, String stream, ExpectedVersion expected, List<EventData> batch) {
    while (true) {
      try {
        AppendResult r = store.append(stream, expected, batch);
        journal.ack(seq, r.firstVersion(), r.lastVersion(), r.firstPosition(), r.lastPosition(),
            ChainHash.micros(r.recordedAt()));
        return Optional.of(r.lastVersion());
      } catch (WrongExpectedVersionException e) {
        journal.refused(seq, e.actual());
        return Optional.of(e.actual());
      } catch (RuntimeException e) {
        String kind = kind(e);
        journal.failed(seq, kind);
        if (kind.startsWith("unexpected")) {
          e.printStackTrace(); // to the child's stderr file, for whoever reads the finding
        }
        if (!kind.startsWith("unavailable") || !timeLeft()) {
          return Optional.empty();
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The error code of a store error; {@code unexpected:Class} for anything else. An unavailable error that
   * says the append's outcome is unknown (the connection was lost during COMMIT) is
   * {@value #COMMIT_UNKNOWN}, so a run can tell whether it exercised the retry of such an append.
   */
  static String kind(RuntimeException e) {
    if (e instanceof StoreUnavailableException u && String.valueOf(u.getMessage()).contains("may or may not")) {
      return COMMIT_UNKNOWN;
    }
    return e instanceof EventStoreException s ? s.code() : "unexpected:" + e.getClass().getName();
  }
}
