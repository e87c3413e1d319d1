package dev.annals.postgres;

import dev.annals.core.ChainHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this process's writers expect the log to look like when their next group takes the head lock: the
 * head after the last group they committed or sent, the versions of the streams they wrote or read, and
 * an estimate of the database's clock. A writer decides a group against it ({@link #plan}) without a
 * round trip, so the group can be written in one ({@link OneTripGroup}); the database checks every
 * expectation under the head lock and refuses the group, writing nothing, when one is wrong. Then the
 * writer runs the group the two-round-trip way ({@link GroupTransaction}), which reads everything under
 * the lock and tells this what it found ({@link #learned}).
 *
 * <p>Nothing here is trusted for correctness: a wrong expectation costs a refused round trip, never a
 * wrong answer. A write the expectation would refuse (wrong expected version, idempotency conflict) or an
 * import is never decided here: its group goes the two-round-trip way.
 *
 * <p>Thread-safe (the writer threads share one).
 */
final class ExpectedHead {

  /** Streams whose versions are remembered (least recently used ones are forgotten first). */
  static final int MAX_STREAMS = 200_000;
  /** How long groups go the two-round-trip way after another process was seen moving the head. */
  static final long FOREIGN_PAUSE_NANOS = 1_000_000_000L;
  /** The longest {@link #plan} waits for another writer's two-round-trip group to learn the head. */
  static final long READING_WAIT_NANOS = 200_000_000L;
  /** Heads this process sent lately, to tell its own commits from another process's. */
  private static final int RECENT = 32;

  /**
   * A group decided against the expectation: what to send, and the answers once it commits; {@code streams}
   * are the group's streams, whose remembered versions are forgotten if the database refuses it.
   */
  record Plan(Stager.Head expected, Stager stager, List<Stager.Answer> answers, Set<String> streams,
      ExpectedHead from, long generation) {

    /** Whether no group was refused or read the head the two-round-trip way since this was planned. */
    boolean stillExpected() {
      return from.generation() == generation;
    }
  }

  private final Map<String, Long> versions = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_STREAMS;
    }
  };
  private final Map<Long, byte[]> sent = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
      return size() > RECENT;
    }
  };
  private final ChainHash hash = new ChainHash();
  private Stager.Head head; // null: unknown until a two-round-trip group reads it
  private Stager.Head latest; // the newest head a two-round-trip group committed
  private boolean anchored;
  private long anchorMicros;
  private long anchorNanos;
  private long pausedUntil = System.nanoTime();
  private boolean learnedBefore;
  /** Two-round-trip groups between {@link #forget} and {@link #learned} (or their failure). */
  private int reading;
  /** Counts expectations dropped ({@link #refused}, {@link #forget}). */
  private long generation;

  /**
   * Decides {@code group} against the expectation and, when every write of it is written (or answered
   * by an earlier write of the same group), advances the expectation past it.
   *
   * @return empty when the group must go the two-round-trip way (nothing expected yet, an import, a
   *     write that would be refused, another process writing lately)
   */
  synchronized Optional<Plan> plan(List<PendingWrite> group) {
    // another writer's two-round-trip group is about to tell the head: wait for it rather than read it too
    // (two writers would otherwise keep each other reading, each finding the other's group in flight)
    long deadline = System.nanoTime() + READING_WAIT_NANOS;
    try {
      for (long left = READING_WAIT_NANOS; reading > 0 && left > 0; left = deadline - System.nanoTime()) {
        wait(left / 1_000_000, (int) (left % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    if (head == null || reading > 0 || !anchored || System.nanoTime() - pausedUntil < 0) {
      return Optional.empty();
    }
    Map<String, Long> before = new HashMap<>();
    for (PendingWrite w : group) {
      if (!(w instanceof PendingWrite.Append a)) {
        return Optional.empty();
      }
      before.computeIfAbsent(a.stream(), s -> versions.getOrDefault(s, 0L)); // unknown: a new stream
    }
    // a reading of the database's clock, never ahead of it: the anchor was read before it arrived here
    long now = anchorMicros + (System.nanoTime() - anchorNanos) / 1_000;
    Stager stager = new Stager(hash, head, now, Optional.empty(), new Stager.Known(before, Map.of()));
    List<Stager.Answer> answers = new ArrayList<>(group.size());
    for (PendingWrite w : group) {
      Stager.Answer answer = stager.stage(w);
      if (answer instanceof Stager.Refused) {
        return Optional.empty();
      }
      answers.add(answer);
    }
    if (stager.rows().isEmpty()) {
      return Optional.empty();
    }
    Plan plan = new Plan(head, stager, answers, before.keySet(), this, generation);
    head = stager.head();
    stager.streams().forEach((s, h) -> versions.put(s, h.version()));
    sent.put(head.position(), head.chain());
    return Optional.of(plan);
  }

  /** A planned group committed; {@code dbMicros} is the database's clock it read, received at {@code receivedNanos}. */
  synchronized void committed(long dbMicros, long receivedNanos) {
    anchor(dbMicros, receivedNanos);
  }

  /**
   * A planned group was refused (or failed): the expectation is unknown until a two-round-trip group
   * reads the head again, and the group's streams are forgotten (their expected versions may be wrong).
   */
  synchronized void refused(Plan plan) {
    head = null;
    generation++;
    plan.streams().forEach(versions::remove);
  }

  /** A two-round-trip group is about to read the head: groups planned from now on would expect a stale one. */
  synchronized void forget() {
    head = null;
    generation++;
    reading++;
  }

  /** A two-round-trip group is about to commit {@code after} (so a group reading it knows it is this process's). */
  synchronized void sending(Stager.Head after) {
    sent.put(after.position(), after.chain());
  }

  /** A two-round-trip group failed after {@link #forget}. */
  synchronized void unread() {
    reading--;
    notifyAll();
  }

  synchronized long generation() {
    return generation;
  }

  /**
   * A two-round-trip group read {@code found} under the head lock (the database's clock {@code dbMicros},
   * received at {@code receivedNanos}) and committed {@code after}, the stream versions
   * {@code streamVersions} holding after it.
   */
  synchronized void learned(Stager.Head found, Stager.Head after, Map<String, Long> streamVersions, long dbMicros,
      long receivedNanos) {
    byte[] ours = sent.get(found.position());
    if (learnedBefore && (ours == null || !Arrays.equals(ours, found.chain()))) {
      pausedUntil = System.nanoTime() + FOREIGN_PAUSE_NANOS; // another process writes: it would refuse our plans
    }
    learnedBefore = true;
    versions.putAll(streamVersions);
    reading--;
    // two-round-trip groups commit in head-lock order, not necessarily in the order they get here: the
    // newest is the head once none is reading any more
    if (latest == null || after.position() > latest.position()) {
      latest = after;
    }
    head = reading == 0 ? latest : null;
    notifyAll();
    anchor(dbMicros, receivedNanos);
  }

  private void anchor(long dbMicros, long receivedNanos) {
    long estimate = anchorMicros + (receivedNanos - anchorNanos) / 1_000;
    if (!anchored || dbMicros > estimate || receivedNanos - anchorNanos > 1_000_000_000L) {
      anchorMicros = dbMicros;
      anchorNanos = receivedNanos;
      anchored = true;
    }
  }
}
