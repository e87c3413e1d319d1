package dev.annals.core;

import java.util.function.LongConsumer;

/**
 * A store that fsyncs on its write path (the embedded log) and reports how long each fsync took, so
 * that a host (the server's {@code /metrics}) can show the disk's share of append latency.
 */
public interface FsyncReporting {

  /**
   * From now on calls {@code nanos} with the duration of every write-path fsync, on the thread that
   * did it (so it must be quick; an exception it throws is logged and ignored); replaces an earlier
   * listener.
   */
  void onFsync(LongConsumer nanos);
}
