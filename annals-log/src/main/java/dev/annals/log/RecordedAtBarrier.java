package dev.annals.log;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a time query wait until no event stamped (recordedAt) before a given moment can still become
 * readable, so that a known-at answer about a past time never changes later. The writer stamps an append
 * when it stages it, and readers see it only after its write (and, with {@code fsync=always}, its fsync);
 * so unless the last published event is stamped at or after the moment, {@link #awaitStampedBefore} waits
 * until every submission handed to the writer before the call is answered: any submission after it is
 * stamped from a later clock reading (past the moment, which the caller checked is in the past), and so
 * is every one queued behind it. Imports carry their own recordedAt and are the exception (see
 * docs/time.md).
 *
 * <p>Thread-safe. {@link #submitted} is called by submitting threads, {@link #answered},
 * {@link #published} and {@link #writerStopped} by the writer thread, {@link #awaitStampedBefore} by
 * readers.
 */
final class RecordedAtBarrier {

  /** Submissions handed to the writer's queue, and those it has answered (published or refused), in queue order. */
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicInteger waiters = new AtomicInteger();
  private final Object lock = new Object();
  /** The recordedAt (micros) of the last published event; every later stamp is at least this. */
  private volatile long publishedMicros = Long.MIN_VALUE;
  /** The writer takes no more submissions (it failed or exited): nothing more will be answered. */
  private volatile boolean stopped;

  void submitted() {
    submitted.incrementAndGet();
  }

  /** Writer thread: the next {@code n} submissions of the queue are published or refused. */
  void answered(int n) {
    answered.addAndGet(n);
    if (waiters.get() > 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** Writer thread, after the head: who sees this stamp sees the events it covers. */
  void published(long micros) {
    publishedMicros = micros;
  }

  /** Writer thread: the writer failed or exited; waiters return. */
  void writerStopped() {
    stopped = true;
  }

  /** Returns once no event stamped before {@code micros} can become readable any more (at once when the writer stopped). */
  void awaitStampedBefore(long micros) {
    if (micros <= publishedMicros) {
      return;
    }
    long target = submitted.get();
    if (answered.get() >= target) {
      return;
    }
    waiters.incrementAndGet();
    try {
      synchronized (lock) {
        while (answered.get() < target && !stopped) {
          lock.wait(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiters.decrementAndGet();
    }
  }
}
