package dev.annals.log;

import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the write path counts: groups written, fsyncs of the commit path, and the listener told how long
 * each fsync took ({@link dev.annals.core.FsyncReporting}). Each counter has one writing thread (groups:
 * the writer; fsyncs: the forcer); readers may be any thread. The listener may be replaced from any
 * thread. Thread-safe in that sense.
 */
final class CommitMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(CommitMetrics.class);

  private volatile long groups;
  private volatile long fsyncs;
  private volatile LongConsumer fsyncListener = nanos -> { };

  /** Groups written so far (each one write call). */
  long groups() {
    return groups;
  }

  /**
   * fsyncs done on the commit path so far ({@code fsync=always}: one per fsync of the forcer, which covers
   * every group written before it began; interval fsyncs are reported to the listener but not counted).
   */
  long fsyncs() {
    return fsyncs;
  }

  void onFsync(LongConsumer nanos) {
    fsyncListener = Objects.requireNonNull(nanos, "nanos");
  }

  /** Writer thread: one more group written. */
  void groupWritten() {
    groups++;
  }

  /** Forcer thread: a commit fsync took {@code nanos}. */
  void commitFsynced(long nanos) {
    report(nanos);
    fsyncs++;
  }

  /** Writer thread: an interval fsync took {@code nanos}. */
  void intervalFsynced(long nanos) {
    report(nanos);
  }

  /** Tells the listener; a listener that throws is logged, never taken for a failed fsync. */
  private void report(long nanos) {
    try {
      fsyncListener.accept(nanos);
    } catch (RuntimeException e) {
      LOG.warn("the fsync listener failed (the fsync itself succeeded)", e);
    }
  }
}
