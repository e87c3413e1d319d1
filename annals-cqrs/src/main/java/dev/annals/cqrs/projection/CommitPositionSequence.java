package dev.annals.cqrs.projection;

import java.time.Duration;

/**
 * The gap-safe checkpoint of concurrent handlers (after Eventuous' CommitPositionSequence): events are
 * dispatched in position order and complete in any order; {@link #safePosition()} is the highest
 * position with nothing unprocessed at or below it. Positions the filter skipped count as processed
 * once {@link #examined} says the reader went past them.
 *
 * <p>In-flight events sit in a ring of (position, done) in dispatch order; completing marks a slot,
 * and the head advances over done slots. O(1) amortised per event, no boxing. Thread-safe (one monitor).
 */
public final class CommitPositionSequence {

  private long[] positions = new long[1024];
  private boolean[] done = new boolean[1024];
  private long head; // ticket of the oldest slot not released
  private long tail; // next ticket
  private long released;
  private long examined;
  private long lastDispatched;
  private int waiters;

  /** Starts after {@code start}: every position at or below it is processed. */
  public CommitPositionSequence(long start) {
    this.released = start;
    this.examined = start;
    this.lastDispatched = start;
  }

  /** Registers an event about to be handled; positions must increase. Returns its ticket. */
  public synchronized long dispatch(long position) {
    if (position <= lastDispatched) {
      throw new IllegalArgumentException("position " + position + " dispatched after " + lastDispatched);
    }
    if (tail - head == positions.length) {
      grow();
    }
    int slot = (int) (tail % positions.length);
    positions[slot] = position;
    done[slot] = false;
    lastDispatched = position;
    return tail++;
  }

  private void grow() {
    int n = positions.length;
    long[] p = new long[n * 2];
    boolean[] d = new boolean[n * 2];
    for (long t = head; t < tail; t++) {
      p[(int) (t % (n * 2))] = positions[(int) (t % n)];
      d[(int) (t % (n * 2))] = done[(int) (t % n)];
    }
    positions = p;
    done = d;
  }

  /** Marks the event of {@code ticket} processed (committed). */
  public synchronized void complete(long ticket) {
    if (ticket < head || ticket >= tail) {
      throw new IllegalArgumentException("unknown ticket " + ticket);
    }
    done[(int) (ticket % positions.length)] = true;
    release();
  }

  /** Marks tickets {@code tickets[from..to)} processed. */
  public synchronized void complete(long[] tickets, int from, int to) {
    for (int i = from; i < to; i++) {
      long t = tickets[i];
      if (t < head || t >= tail) {
        throw new IllegalArgumentException("unknown ticket " + t);
      }
      done[(int) (t % positions.length)] = true;
    }
    release();
  }

  /**
   * Forgets the events dispatched and not yet released, so that they can be dispatched again (a reader
   * that stopped part-way through a page, e.g. interrupted, reads it again from {@link #safePosition()}
   * + 1). Events among them that were applied are skipped by their applier, which knows what it committed.
   */
  public synchronized void abandonInFlight() {
    release();
    tail = head;
    lastDispatched = Math.max(released, examined);
  }

  /** The reader has seen every position up to {@code position} (events it did not dispatch were filtered out). */
  public synchronized void examined(long position) {
    if (position > examined) {
      examined = position;
      wake();
    }
  }

  private void release() {
    boolean moved = false;
    while (head < tail && done[(int) (head % positions.length)]) {
      released = positions[(int) (head % positions.length)];
      head++;
      moved = true;
    }
    if (moved) {
      wake();
    }
  }

  private void wake() {
    if (waiters > 0) {
      notifyAll();
    }
  }

  /** The highest position at or below which nothing is unprocessed. Never decreases. */
  public synchronized long safePosition() {
    if (head < tail) {
      return positions[(int) (head % positions.length)] - 1;
    }
    return Math.max(Math.max(released, examined), lastDispatched);
  }

  /** Events dispatched and not yet completed. */
  public synchronized long inFlight() {
    return tail - head;
  }

  /**
   * Waits until {@link #safePosition()} reaches {@code position}, {@link #wakeAll()} is called or the
   * timeout passes; true when reached.
   */
  public synchronized boolean awaitSafe(long position, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    waiters++;
    try {
      while (safePosition() < position) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        long ms = Math.max(1, left / 1_000_000);
        wait(Math.min(ms, 50));
        if (stopped) {
          return safePosition() >= position;
        }
      }
      return true;
    } finally {
      waiters--;
    }
  }

  private boolean stopped;

  /** Releases every waiter (the runner stopped). */
  public synchronized void wakeAll() {
    stopped = true;
    notifyAll();
  }
}
