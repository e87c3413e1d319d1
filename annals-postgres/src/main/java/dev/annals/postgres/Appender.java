package dev.annals.postgres;

import dev.annals.core.EventStoreException;
import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer: callers queue their validated writes and wait; one thread takes everything
 * queued (up to a group's limits) and runs it as one {@link GroupTransaction}, so the head lock, the
 * round trips and the WAL flush of COMMIT are paid once per group rather than once per append. Then it
 * answers every caller of the group.
 *
 * <p>Failures: a group that loses its connection before COMMIT was sent has written nothing; it is tried
 * once more on a fresh connection (a pooled connection may have died while idle), then its callers get
 * {@link StoreUnavailableException}. A group that loses its connection during COMMIT has an unknown
 * outcome: its callers get {@link StoreUnavailableException} saying so, and a retry with the same event
 * ids is answered the original result (idempotency) or writes it once. The next group starts afresh, so
 * the store works again as soon as PostgreSQL is back.
 *
 * <p>Threads: {@link #submit} from any thread; the group loop on its own thread; {@link #close} from any
 * thread, once effective.
 */
final class Appender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Appender.class);

  /** A group stops growing at this many writes, events or bytes (the rest waits for the next group). */
  static final int MAX_GROUP_WRITES = 4096;
  static final int MAX_GROUP_EVENTS = 20_000;
  static final long MAX_GROUP_BYTES = 16L << 20;

  private final Database db;
  private final GroupTransaction transaction;
  private final LongConsumer onCommitted;
  private final LinkedBlockingQueue<PendingWrite> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<PendingWrite> carry = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closing;

  /** @param onCommitted told the new head after each group that wrote events commits (wakes local subscribers) */
  Appender(Database db, GroupTransaction transaction, LongConsumer onCommitted) {
    this.db = db;
    this.transaction = transaction;
    this.onCommitted = onCommitted;
    this.thread = Thread.ofPlatform().daemon().name("annals-pg-writer-" + db.schema()).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Queues {@code w} and waits for its answer: its result, or its refusal or failure thrown. */
  <T> T submit(PendingWrite w, CompletableFuture<T> answer) {
    if (closing) {
      throw closed();
    }
    queue.add(w);
    if (closing && queue.remove(w)) {
      throw closed(); // lost the race with close: the writer may never see it
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

  private void run() {
    List<PendingWrite> taken = new ArrayList<>();
    try {
      while (true) {
        taken.clear();
        if (carry.isEmpty()) {
          PendingWrite first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (closing && queue.isEmpty()) {
              return;
            }
            continue;
          }
          taken.add(first);
        }
        List<PendingWrite> group = group(taken);
        process(group);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.error("the PostgreSQL writer thread failed; appends are refused until the store is reopened", t);
      closing = true;
      StoreUnavailableException f = new StoreUnavailableException("the writer thread failed: " + t, t);
      taken.forEach(w -> w.fail(f));
    } finally {
      carry.forEach(w -> w.fail(closed()));
      carry.clear();
      PendingWrite w;
      while ((w = queue.poll()) != null) {
        w.fail(closed());
      }
    }
  }

  /** The next group: the carried writes, then queued ones, up to the group's limits (the rest is carried). */
  private List<PendingWrite> group(List<PendingWrite> taken) {
    ArrayDeque<PendingWrite> candidates = new ArrayDeque<>(carry);
    carry.clear();
    candidates.addAll(taken);
    queue.drainTo(candidates, MAX_GROUP_WRITES);
    List<PendingWrite> group = new ArrayList<>();
    long events = 0;
    long bytes = 0;
    while (!candidates.isEmpty()) {
      PendingWrite w = candidates.peekFirst();
      boolean fits = group.isEmpty() || (group.size() < MAX_GROUP_WRITES && events + w.size() <= MAX_GROUP_EVENTS
          && bytes + w.bytes() <= MAX_GROUP_BYTES);
      if (!fits) {
        break;
      }
      group.add(candidates.pollFirst());
      events += w.size();
      bytes += w.bytes();
    }
    carry.addAll(candidates);
    return group;
  }

  /** Runs one group's transaction and answers its callers. */
  private void process(List<PendingWrite> group) {
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
        done = transaction.run(c, group);
      } catch (GroupTransaction.Failed f) {
        boolean lost = Database.isConnectionLoss(f.cause);
        release(c, lost);
        if (f.phase == GroupTransaction.Phase.BEFORE_COMMIT && lost && attempt == 1) {
          LOG.debug("a group lost its connection before COMMIT; trying once more on a fresh one", f.cause);
          continue;
        }
        StoreUnavailableException failure = failure(f);
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

  private StoreUnavailableException failure(GroupTransaction.Failed f) {
    StoreUnavailableException u = db.unavailable(
        f.phase == GroupTransaction.Phase.COMMIT ? "committing an append" : "appending", f.cause);
    if (f.phase == GroupTransaction.Phase.COMMIT) {
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
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
