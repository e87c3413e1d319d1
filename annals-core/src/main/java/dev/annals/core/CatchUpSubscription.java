package dev.annals.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A subscription that always reads from the store: it pages through the log from its cursor, and when
 * it reaches the end waits on the engine's {@link CommitNotifier} and reads again. Catch-up and live
 * delivery are the same loop, so there is no switch-over to get wrong: no gap, no duplicate. Writers
 * only signal; a slow handler just falls behind and reads older pages. Runs on its own virtual thread.
 */
public final class CatchUpSubscription implements Subscription {

  /** Reads a page forward from a cursor (a position or a version). */
  @FunctionalInterface
  public interface PageReader {
    Page read(long from, int limit);
  }

  private final PageReader reader;
  private final CommitNotifier notifier;
  private final EventHandler handler;
  private final ToLongFunction<RecordedEvent> key;
  private final int batchSize;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Runnable onStop;
  private volatile boolean stopRequested;
  private volatile long cursor;
  private volatile @Nullable Throwable failure;
  private final Thread thread;

  private CatchUpSubscription(String name, long from, PageReader reader, CommitNotifier notifier,
      EventHandler handler, ToLongFunction<RecordedEvent> key, int batchSize, Runnable onStop) {
    this.reader = reader;
    this.notifier = notifier;
    this.handler = handler;
    this.key = key;
    this.batchSize = batchSize;
    this.onStop = onStop;
    this.cursor = Math.max(1, from);
    this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
  }

  /**
   * Starts a subscription.
   *
   * @param from the first position/version to deliver (inclusive)
   * @param key extracts the cursor key (position or version) of a delivered event
   * @param onStop called once when the subscription stops, e.g. to unregister it from the store
   */
  public static CatchUpSubscription start(String name, long from, PageReader reader, CommitNotifier notifier,
      EventHandler handler, ToLongFunction<RecordedEvent> key, int batchSize, Runnable onStop) {
    CatchUpSubscription s = new CatchUpSubscription(name, from, reader, notifier, handler, key, batchSize, onStop);
    s.thread.start();
    return s;
  }

  private void run() {
    try {
      while (!stopRequested) {
        long seenHead = notifier.head();
        Page page = reader.read(cursor, batchSize);
        for (RecordedEvent e : page.events()) {
          if (stopRequested) {
            return;
          }
          handler.onEvent(e);
          cursor = key.applyAsLong(e) + 1;
        }
        cursor = Math.max(cursor, page.next());
        if (page.end()) {
          handler.onCaughtUp(cursor);
          while (!stopRequested && !notifier.awaitAbove(seenHead, 1, TimeUnit.SECONDS)) {
            // Wait for a commit; the timeout only bounds how long a missed wake-up could cost.
            if (notifier.head() > seenHead) {
              break;
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
    } finally {
      stopped.countDown();
      onStop.run();
    }
  }

  @Override
  public void close() {
    stopRequested = true;
    notifier.wakeAll();
    if (Thread.currentThread() != thread) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public long cursor() {
    return cursor;
  }

  @Override
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
