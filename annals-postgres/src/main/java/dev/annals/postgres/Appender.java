package dev.annals.postgres;

import dev.annals.core.EventStoreException;
import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's writers: callers queue their validated writes and wait; a writer thread takes everything
 * queued (up to a group's limits) and runs it as one {@link GroupTransaction}, so the head lock, the
 * round trips and the WAL flush of COMMIT are paid once per group rather than once per append. Then it
 * answers every caller of the group. The writer threads (one) take turns: the head lock orders
 * their groups, so positions stay gap-free and in commit order.
 *
 * <p>Failures: a group that loses its connection before COMMIT was sent has written nothing; the pool's idle
 * connections are dropped (they most likely died with it) and it is tried again on a fresh connection,
 * up to {@value #MAX_ATTEMPTS} times in all; then its callers get
 * {@link StoreUnavailableException}. A group that loses its connection during COMMIT has an unknown
 * outcome: its callers get {@link StoreUnavailableException} saying so, and a retry with the same event
 * ids is answered the original result (idempotency) or writes it once. The next group starts afresh, so
 * the store works again as soon as PostgreSQL is back.
 *
 * <p>Threads: {@link #submit} from any thread; the group loops on their own threads, each with its own
 * {@link GroupTransaction}; {@link #close} from any thread, once effective.
 */
final class Appender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Appender.class);

  /** A group stops growing at this many writes, events or bytes (the rest waits for the next group). */
  static final int MAX_GROUP_WRITES = 4096;
  static final int MAX_GROUP_EVENTS = 20_000;
  static final long MAX_GROUP_BYTES = 16L << 20;
  /**
   * Writer threads, each running whole group transactions on its own connection. One: a second one, whose
   * group waited for the head lock inside the server while the first committed, made groups half as big
   * and cost more than the handover it saved, here and with several processes on one store (measured on
   * 2 cores: pg-append-concurrent-64 1.42x vs 1.25x of its baseline, pg-http-append-concurrent-64 two nodes
   * 11.1k vs 8.5k appends/s).
   */
  static final int WRITERS = 1;
  /** The longest a writer waits for a group's callers to come back ({@link #linger}). */
  static final java.time.Duration MAX_LINGER = java.time.Duration.ofMillis(2);
  /** Runs of a group whose connection was lost before COMMIT (nothing written), before its callers are failed. */
  static final int MAX_ATTEMPTS = 3;

  private final Database db;
  private final LongConsumer onCommitted;
  /** What the writer's queue carries: callers' writes, and the wake-up {@link #close} sends. */
  sealed interface Message permits PendingWrite, Stop {}

  /** Wakes the writer to see that the store is closing. */
  record Stop() implements Message {}

  private final LinkedBlockingDeque<Message> queue = new LinkedBlockingDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closing;

  /**
   * @param transactions makes each writer thread's own group transaction
   * @param onCommitted told the new head after each group that wrote events commits (wakes local subscribers)
   */
  Appender(Database db, Supplier<GroupTransaction> transactions, LongConsumer onCommitted) {
    this.db = db;
    this.onCommitted = onCommitted;
    for (int i = 0; i < WRITERS; i++) {
      GroupTransaction transaction = transactions.get();
      threads.add(Thread.ofPlatform().daemon().name("annals-pg-writer-" + db.schema() + "-" + i)
          .unstarted(() -> run(transaction)));
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  /** Queues {@code w} and waits for its answer: its result, or its refusal or failure thrown. */
  <T> T submit(PendingWrite w, CompletableFuture<T> answer) {
    if (closing) {
      throw closed();
    }
    queue.addLast(w);
    if (closing && queue.remove(w)) {
      throw closed(); // lost the race with close: the writers may never see it
    }
    try {
      return answer.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof EventStoreException ese) {
        throw ese;
      }
      throw new StoreUnavailableException("the writer failed: " + e.getCause(), e.getCause());
    }
  }

  private static StoreUnavailableException closed() {
    return new StoreUnavailableException("the store is closed");
  }

  private void run(GroupTransaction transaction) {
    List<PendingWrite> group = new ArrayList<>();
    int lastSize = 0;
    long lastTripNanos = 0;
    try {
      while (true) {
        group.clear();
        Message first = queue.pollFirst(closing ? 10 : 1000, TimeUnit.MILLISECONDS);
        if (first instanceof PendingWrite w) {
          group.add(w);
        } else if (closing && !hasWrites()) {
          return; // woken by close (or idle while closing) with nothing left to write
        } else {
          continue;
        }
        linger(lastSize, lastTripNanos);
        fill(group);
        lastSize = group.size();
        long t0 = System.nanoTime();
        process(transaction, group);
        lastTripNanos = System.nanoTime() - t0;
        group.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.error("a PostgreSQL writer thread failed; appends are refused until the store is reopened", t);
      closing = true;
      StoreUnavailableException f = new StoreUnavailableException("the writer thread failed: " + t, t);
      group.forEach(w -> w.fail(f));
    } finally {
      // Fail what is left, but leave the other writer's Stop in the queue: taking it would keep that
      // writer waiting out its poll timeout, and close() with it.
      for (Message m : queue) {
        if (m instanceof PendingWrite w && queue.remove(w)) {
          w.fail(closed());
        }
      }
    }
  }

  /**
   * When the last group held several writes, waits (at most half its transaction's time, and
   * {@link #MAX_LINGER}) for as many to be queued again before taking the group: the callers it answered are
   * on their way back, and a group sent without them would mostly wait for the head lock anyway (another
   * process's group holds it) and then carry half as many events per COMMIT. A lone write never waits.
   */
  private void linger(int lastSize, long lastTripNanos) {
    if (lastSize <= 1 || closing) {
      return;
    }
    long until = System.nanoTime() + Math.min(MAX_LINGER.toNanos(), lastTripNanos / 2);
    while (queue.size() < lastSize - 1 && System.nanoTime() < until) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000);
    }
  }

  private boolean hasWrites() {
    for (Message m : queue) {
      if (m instanceof PendingWrite) {
        return true;
      }
    }
    return false;
  }

  /** Adds queued writes to {@code group} up to a group's limits (the first that does not fit goes back to the front). */
  private void fill(List<PendingWrite> group) {
    long events = group.getFirst().size();
    long bytes = group.getFirst().bytes();
    while (group.size() < MAX_GROUP_WRITES) {
      Message m = queue.pollFirst();
      if (m == null) {
        return;
      }
      if (m instanceof PendingWrite w) {
        if (events + w.size() > MAX_GROUP_EVENTS || bytes + w.bytes() > MAX_GROUP_BYTES) {
          queue.offerFirst(w);
          return;
        }
        group.add(w);
        events += w.size();
        bytes += w.bytes();
      }
    }
  }

  /** Runs one group's transaction and answers its callers. */
  private void process(GroupTransaction transaction, List<PendingWrite> group) {
    boolean oneTripLost = false;
    for (int attempt = 1; ; attempt++) {
      Connection c;
      try {
        c = db.connection();
      } catch (StoreUnavailableException e) {
        group.forEach(w -> w.fail(e));
        return;
      }
      GroupTransaction.Done done;
      try {
        done = transaction.write(c, group);
      } catch (GroupTransaction.Failed f) {
        boolean lost = Database.isConnectionLoss(f.cause);
        release(c, lost);
        if (lost) {
          db.evictIdle(); // they most likely died with this one (a restarted or failed-over server)
        }
        if (f.phase != GroupTransaction.Phase.COMMIT && lost && attempt < MAX_ATTEMPTS) {
          LOG.debug("a group lost its connection before its outcome was known; trying again on a fresh one", f.cause);
          oneTripLost |= f.phase == GroupTransaction.Phase.ONE_TRIP;
          continue;
        }
        StoreUnavailableException failure = failure(f, oneTripLost);
        group.forEach(w -> w.fail(failure));
        return;
      }
      release(c, false);
      if (done.wrote()) {
        onCommitted.accept(done.head());
      }
      done.answers().forEach(Stager.Answer::complete);
      return;
    }
  }

  /**
   * What the callers of a failed group are told. Only a connection lost while the insert-and-COMMIT round
   * trip (or a one-round-trip call, not resolved by a run after it) was in flight leaves the outcome
   * unknown; an error the server reported (the transaction aborted before its COMMIT ran) or a loss
   * before that round trip means nothing was written.
   */
  private StoreUnavailableException failure(GroupTransaction.Failed f, boolean oneTripLost) {
    boolean unknown = oneTripLost
        || (f.phase != GroupTransaction.Phase.BEFORE_COMMIT && Database.isConnectionLoss(f.cause));
    StoreUnavailableException u = db.unavailable(unknown ? "committing an append" : "appending", f.cause);
    if (unknown) {
      return new StoreUnavailableException(u.getMessage() + "; the append may or may not be written: retry it with"
          + " the same event ids (a retry answers the original result, or writes it once)", f.cause);
    }
    return u;
  }

  private void release(Connection c, boolean broken) {
    if (broken) {
      db.evict(c);
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("returning a connection to the pool failed", e);
    }
  }

  /**
   * Stops taking writes: those already queued are written (or failed, if the database is gone), later
   * ones are refused as closed; returns once the writer has stopped. Idempotent.
   */
  @Override
  public void close() {
    closing = true;
    for (Thread t : threads) {
      queue.addLast(new Stop());
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
