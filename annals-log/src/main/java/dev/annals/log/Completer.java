package dev.annals.log;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Completes callers' tickets off the writer thread: the thread that completes a future wakes its parked
 * caller, a syscall of several microseconds on the waker's side, which the single writer must not pay
 * per append. The writer hands over each answered {@link Group} in order; this thread completes what
 * the woken callers have not already taken over ({@link Ticket#helpGroup}).
 *
 * <p>Owns one thread. {@link #hand} and {@link #finish} are called by the writer thread (they are safe
 * from any thread: a queue); {@link #join} by the thread that stops the store.
 */
final class Completer {

  /** Completions a woken caller takes over from its group. */
  static final int HELP = 2;

  private static final Group END = new Group(new Submission<?>[0]);

  private final LinkedBlockingQueue<Group> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  Completer(String name) {
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Completes {@code g}'s tickets (those no caller has claimed yet). */
  void hand(Group g) {
    queue.add(g);
  }

  /** The writer has handed over its last group: the thread ends once it has completed everything before. */
  void finish() {
    queue.add(END);
  }

  void join() throws InterruptedException {
    thread.join();
  }

  private void run() {
    while (true) {
      Group g;
      try {
        g = queue.take();
      } catch (InterruptedException e) {
        // a daemon: only finish() ends it, through END; keep completing what the writer hands over
        continue;
      }
      if (g == END) {
        return;
      }
      g.completeSome(Integer.MAX_VALUE);
    }
  }

  /**
   * A caller's future. The thread that completes it wakes the caller, a syscall of several microseconds on
   * the waker's side; so a woken caller completes a few more of its group ({@link #helpGroup}) before it
   * returns, and the wake-ups of a large group spread over the callers' threads like a tree instead of
   * queueing behind one thread.
   */
  static final class Ticket<T> extends CompletableFuture<T> {
    private volatile @Nullable Group group;

    /** Completes up to {@link #HELP} more submissions of this caller's group; the completer does the rest. */
    void helpGroup() {
      Group g = group;
      if (g != null) {
        g.completeSome(HELP);
      }
    }
  }

  /**
   * The submissions of one answered group, in queue order, each carrying its answer. Built by the writer
   * thread; {@link #completeSome} is thread-safe (each submission is completed once, by whoever claims it).
   */
  static final class Group {
    private final Submission<?>[] submissions;
    private final AtomicInteger next = new AtomicInteger();
    /** Set (once, by the writer) when the group failed as a whole: every ticket not yet completed fails. */
    private volatile @Nullable Throwable failure;

    Group(Submission<?>[] submissions) {
      this.submissions = submissions;
      for (Submission<?> s : submissions) {
        s.ticket.group = this;
      }
    }

    int size() {
      return submissions.length;
    }

    /**
     * Fails every submission of the group with {@code cause}, except those the writer itself refused (they
     * keep their refusal). Writer thread, for a group never handed to the completer. The cause is set
     * before the first ticket is failed, so a caller woken by that failure who helps its group
     * ({@link Ticket#helpGroup}) fails the others too, never completes one with the answer it was staged with.
     */
    void failUnlessRefused(Throwable cause) {
      failure = cause;
      completeSome(Integer.MAX_VALUE);
    }

    /** Completes up to {@code max} submissions not yet completed; each exactly once, whoever claims it. */
    void completeSome(int max) {
      for (int k = 0; k < max; k++) {
        int i = next.getAndIncrement();
        if (i >= submissions.length) {
          return;
        }
        Throwable f = failure;
        if (f != null) {
          submissions[i].failUnlessRefused(f);
        } else {
          submissions[i].complete();
        }
      }
    }
  }
}
