package dev.annals.log;

import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code fsync=always} only: the thread that fsyncs what the writer has written, so the writer stages
 * and writes the next group while the disk works, instead of after. The writer {@link #request}s an
 * fsync after each group it writes; one fsync covers every group written before it began, and its
 * outcome goes back to the writer as a {@link GroupCommit.Synced}, after which the writer publishes those
 * groups. A failed fsync is reported and never retried: this thread then ends.
 *
 * <p>Owns one thread. {@link #request} and {@link #stop} are called by the writer thread; the request is
 * guarded by this object's lock. Reports are made on the forcer thread.
 */
final class Forcer {

  private final Thread thread;
  private final CommitMetrics metrics;
  /** Takes the outcome of each fsync: every group up to a sequence number is on disk, or the fsync failed. */
  private final Consumer<GroupCommit.Synced> report;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}: the last group written, the channel it went to, and stop. */
  private long requested;
  private @Nullable WriteChannel channel;
  private boolean stop;

  Forcer(String name, CommitMetrics metrics, Consumer<GroupCommit.Synced> report) {
    this.metrics = metrics;
    this.report = report;
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Writer: asks for an fsync of {@code ch} that begins after group {@code seq} was written. */
  void request(long seq, WriteChannel ch) {
    synchronized (lock) {
      requested = seq;
      channel = ch;
      lock.notifyAll();
    }
  }

  /** Writer: ends the thread once no fsync is pending, and waits for it. */
  void stop() {
    synchronized (lock) {
      stop = true;
      lock.notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long synced = 0;
    while (true) {
      long target;
      WriteChannel ch;
      synchronized (lock) {
        while (requested == synced && !stop) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // a daemon: only stop() ends it
          }
        }
        if (requested == synced) {
          return;
        }
        target = requested;
        ch = Objects.requireNonNull(channel, "request() sets the channel before the sequence it waits for");
      }
      try {
        long started = System.nanoTime();
        ch.force();
        metrics.commitFsynced(System.nanoTime() - started);
        report.accept(new GroupCommit.Synced(target, null));
        synced = target;
      } catch (Throwable t) {
        report.accept(new GroupCommit.Synced(target, t)); // fail-stop: never retried
        return;
      }
    }
  }
}
