package dev.annals.postgres;

import dev.annals.core.CatchUpSubscription;
import dev.annals.core.CommitNotifier;
import dev.annals.core.EventHandler;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's subscriptions: core's {@link CatchUpSubscription} (catch-up and live are one loop over
 * forward pages, so no gap and no duplicate at the switch) woken by the {@link HeadWatcher}'s notifier.
 *
 * <p>A subscription rides out a database outage: a page read that finds PostgreSQL unavailable is
 * retried with backoff (50 ms doubling to 2 s) from the same cursor until it succeeds or the
 * subscription is closed. The handler sees nothing of it: no event, no error, no caught-up call; delivery
 * pauses and resumes at the next undelivered event. Any other failure (the handler's, a broken schema)
 * stops the subscription with that failure, as on every engine. Thread-safe.
 */
final class Subscriptions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final CommitNotifier notifier;
  private final HeadWatcher watcher;
  private final int pageSize;
  private final Set<Subscription> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Subscriptions(CommitNotifier notifier, HeadWatcher watcher, int pageSize) {
    this.notifier = notifier;
    this.watcher = watcher;
    this.pageSize = pageSize;
  }

  /** Starts a subscription reading forward pages with {@code reader} from {@code from} (inclusive). */
  Subscription start(String name, long from, CatchUpSubscription.PageReader reader, EventHandler handler,
      ToLongFunction<RecordedEvent> key) {
    if (closed) {
      throw new StoreUnavailableException("the store is closed");
    }
    watcher.start();
    CountDownLatch closing = new CountDownLatch(1);
    Retrying s = new Retrying(closing, CatchUpSubscription.start(name, from, retrying(reader, closing), notifier,
        handler, key, pageSize, this::forgetStopped));
    open.add(s);
    forgetStopped(); // in case it stopped before it was added
    if (closed) {
      s.close();
    }
    return s;
  }

  /** Closes every open subscription. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Subscription s : List.copyOf(open)) {
      s.close();
    }
    open.clear();
  }

  private void forgetStopped() {
    open.removeIf(Subscription::isStopped);
  }

  /** Page reads that wait out an unavailable database until {@code closing} opens. */
  private static CatchUpSubscription.PageReader retrying(CatchUpSubscription.PageReader reader,
      CountDownLatch closing) {
    return (from, limit) -> {
      long backoff = FIRST_BACKOFF_MILLIS;
      boolean logged = false;
      while (true) {
        try {
          Page page = reader.read(from, limit);
          if (logged) {
            LOG.info("subscription reading again from {}", from);
          }
          return page;
        } catch (StoreUnavailableException e) {
          if (!logged) {
            LOG.warn("subscription paused at {}: {}; retrying until the database is back", from, e.getMessage());
            logged = true;
          }
          if (awaitClosing(closing, backoff)) {
            return new Page(List.of(), from, false); // not the end: the loop sees it is stopping
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
      }
    };
  }

  private static boolean awaitClosing(CountDownLatch closing, long millis) {
    try {
      return closing.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** A subscription that opens its latch before stopping, so a read waiting out an outage returns. */
  private record Retrying(CountDownLatch closing, Subscription delegate) implements Subscription {

    @Override
    public void close() {
      closing.countDown();
      delegate.close();
    }

    @Override
    public boolean isStopped() {
      return delegate.isStopped();
    }

    @Override
    public Optional<Throwable> failure() {
      return delegate.failure();
    }

    @Override
    public long cursor() {
      return delegate.cursor();
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
      return delegate.awaitStop(timeout);
    }
  }
}
