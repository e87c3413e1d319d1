package dev.annals.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells waiting subscriptions that the head moved. An engine calls {@link #advance} only after the
 * events up to the new head are readable, so a reader that saw head {@code h} before reading and found
 * nothing new can wait for {@code head > h} without missing anything. Writers never wait on readers.
 * Thread-safe.
 */
public final class CommitNotifier {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moved = lock.newCondition();
  private volatile long head;
  private volatile long wakeups;

  public CommitNotifier(long head) {
    this.head = head;
  }

  /** The last readable position (or any monotonically increasing commit counter). */
  public long head() {
    return head;
  }

  /** Publishes a new head and wakes every waiter. */
  public void advance(long newHead) {
    lock.lock();
    try {
      if (newHead > head) {
        head = newHead;
      }
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter without moving the head (used on close). */
  public void wakeAll() {
    lock.lock();
    try {
      wakeups++;
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the head is above {@code seen}, a {@link #wakeAll} happens, or the timeout passes.
   *
   * @return true when the head is above {@code seen}
   */
  public boolean awaitAbove(long seen, long timeout, TimeUnit unit) throws InterruptedException {
    if (head > seen) {
      return true;
    }
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      long w = wakeups;
      while (head <= seen && w == wakeups && nanos > 0) {
        nanos = moved.awaitNanos(nanos);
      }
      return head > seen;
    } finally {
      lock.unlock();
    }
  }
}
