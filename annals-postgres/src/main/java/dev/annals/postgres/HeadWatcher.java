package dev.annals.postgres;

import dev.annals.core.CommitNotifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a store's {@link CommitNotifier} when any process commits an append: one dedicated connection
 * (not from the pool) LISTENs on the store's channel (named by the options, from the schema; appends
 * send {@code pg_notify(channel, head)} before COMMIT); each notification carries the new head position.
 * Notifications are only a wake-up: when none arrives for a poll interval, the head row
 * is read instead, so a lost notification (or a writer that sends none) delays subscribers by at most
 * that interval and never loses an event. When the connection drops, it reconnects with backoff, LISTENs
 * again and reads the head (so nothing committed while it was away is missed).
 *
 * <p>Only positions that are committed reach the notifier: a NOTIFY is delivered after its transaction
 * commits, and every lower position committed before it (positions are assigned in commit order).
 *
 * <p>Thread-safe; runs on its own daemon thread from {@link #start()} to {@link #close()}.
 */
final class HeadWatcher implements AutoCloseable {

  /** Opens a fresh connection to the store's database, outside the pool. */
  @FunctionalInterface
  interface ConnectionOpener {
    Connection open() throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HeadWatcher.class);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final ConnectionOpener opener;
  private final String listenSql;
  private final String headSql;
  private final CommitNotifier notifier;
  private final Duration pollInterval;
  private final boolean listen;
  private final Thread thread;
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong notifications = new AtomicLong();
  private final Object lock = new Object();
  private volatile boolean closed;
  private boolean started;
  private @Nullable Connection current;

  /**
   * @param listen false to rely on polling alone (tests of the fallback; databases behind a pooler that
   *     drops LISTEN)
   */
  HeadWatcher(ConnectionOpener opener, String channel, SchemaTables tables, CommitNotifier notifier,
      Duration pollInterval, boolean listen) {
    this.opener = opener;
    this.listenSql = "LISTEN \"" + channel.replace("\"", "\"\"") + "\"";
    this.headSql = "SELECT coalesce((SELECT position FROM " + tables.head() + "), 0)";
    this.notifier = notifier;
    this.pollInterval = pollInterval;
    this.listen = listen;
    this.thread = new Thread(this::run, "annals-pg-head-watcher-" + tables.schema());
    this.thread.setDaemon(true);
  }

  /** Starts watching (idempotent). */
  void start() {
    synchronized (lock) {
      if (!started && !closed) {
        started = true;
        thread.start();
      }
    }
  }

  /** How many times the head was read because no notification came (for tests and diagnostics). */
  long polls() {
    return polls.get();
  }

  /** How many notifications arrived. */
  long notifications() {
    return notifications.get();
  }

  private void run() {
    long backoffMillis = FIRST_BACKOFF_MILLIS;
    while (!closed) {
      try (Connection c = opener.open()) {
        if (!register(c)) {
          return;
        }
        c.setAutoCommit(true);
        if (listen) {
          try (Statement s = c.createStatement()) {
            s.execute(listenSql);
          }
        }
        notifier.advance(readHead(c)); // after LISTEN: whatever commits from here on is notified or polled
        if (backoffMillis > FIRST_BACKOFF_MILLIS) {
          LOG.info("watching the head of the store again");
        }
        backoffMillis = FIRST_BACKOFF_MILLIS;
        watch(c);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (backoffMillis == FIRST_BACKOFF_MILLIS) {
          LOG.warn("watching the head of the store failed ({}); reconnecting", e.getMessage());
        } else {
          LOG.debug("reconnecting in {} ms: {}", backoffMillis, e.getMessage());
        }
        sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
      } finally {
        register(null);
      }
    }
  }

  private void watch(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    int timeout = (int) Math.max(1, pollInterval.toMillis());
    while (!closed) {
      PGNotification[] received = listen ? pg.getNotifications(timeout) : none(timeout);
      long head = -1;
      if (received != null) {
        for (PGNotification n : received) {
          notifications.incrementAndGet();
          head = Math.max(head, parse(n.getParameter()));
        }
      }
      if (head < 0) {
        polls.incrementAndGet(); // no notification (or no position in it): read the head instead
        head = readHead(c);
      }
      notifier.advance(head);
    }
  }

  private PGNotification @Nullable [] none(int timeoutMillis) {
    sleep(timeoutMillis);
    return null;
  }

  private static long parse(String payload) {
    try {
      return Long.parseLong(payload.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private long readHead(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(headSql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Remembers the live connection so close can abort it; false when already closed. */
  private boolean register(@Nullable Connection c) {
    synchronized (lock) {
      current = c;
      return !closed;
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops watching: aborts the connection (a blocked wait returns at once) and waits for the thread. */
  @Override
  public void close() {
    Connection c;
    boolean wasStarted;
    synchronized (lock) {
      closed = true;
      c = current;
      wasStarted = started;
    }
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException e) {
        LOG.debug("aborting the watcher's connection", e);
      }
    }
    if (wasStarted && Thread.currentThread() != thread) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
