package dev.annals.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends at a fixed rate, open loop: send {@code i} is due at {@code start + i / rate}, whatever the
 * earlier sends took, so a slow send shows as latency instead of lowering the load (no coordinated
 * omission). A few threads take the sends in turn, so one slow send does not hold back the next.
 */
final class PacedSender {

  /** One send; {@code thread} (0..threads-1) lets a sender keep one connection per thread. */
  @FunctionalInterface
  interface Send {
    void send(int seq, int thread) throws Exception;
  }

  /**
   * What a paced run did: latencies of the send calls after the warm-up, the seconds from the first
   * measured send's due time to the last send's return, how many sends started over 1 ms late, and for
   * every send (warm-up included, by number) the wall clock in microseconds just before it was called
   * and just after it returned.
   */
  record Outcome(Latencies calls, int measured, double seconds, int late, long[] startedUs, long[] doneUs) {
    double perSecond() {
      return measured / seconds;
    }
  }

  private PacedSender() {}

  /** The wall clock in microseconds since the epoch: comparable between processes on one machine. */
  static long wallMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /** Sends {@code warmUp + measured} times at {@code rate} per second on {@code threads} threads. */
  static Outcome run(int warmUp, int measured, int rate, int threads, Send send) throws InterruptedException {
    int total = warmUp + measured;
    long period = 1_000_000_000L / rate;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger late = new AtomicInteger();
    List<Latencies> perThread = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> started = new ArrayList<>();
    long start = System.nanoTime() + 10_000_000;
    long[] lastDone = new long[threads];
    long[] startedUs = new long[total];
    long[] doneUs = new long[total];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Latencies lat = new Latencies();
      perThread.add(lat);
      started.add(Thread.ofPlatform().name("paced-" + t).start(() -> {
        try {
          for (int i; (i = next.getAndIncrement()) < total && failures.isEmpty(); ) {
            long due = start + i * period;
            for (long wait; (wait = due - System.nanoTime()) > 0; ) {
              LockSupport.parkNanos(wait);
            }
            long t0 = System.nanoTime();
            if (i >= warmUp && t0 - due > 1_000_000) {
              late.incrementAndGet();
            }
            startedUs[i] = wallMicros();
            send.send(i, thread);
            long t1 = System.nanoTime();
            doneUs[i] = wallMicros();
            if (i >= warmUp) {
              lat.record(t1 - t0);
            }
            lastDone[thread] = Math.max(lastDone[thread], t1);
          }
        } catch (Throwable failed) {
          failures.add(failed);
        }
      }));
    }
    for (Thread t : started) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a paced send failed: " + failures.getFirst(), failures.getFirst());
    }
    Latencies all = new Latencies();
    perThread.forEach(all::merge);
    long end = 0;
    for (long d : lastDone) {
      end = Math.max(end, d);
    }
    double seconds = (end - (start + warmUp * period)) / 1e9;
    return new Outcome(all, measured, seconds, late.get(), startedUs, doneUs);
  }
}
