package dev.annals.postgres;

import dev.annals.core.AppendResult;
import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Json;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's append or import waiting for the writer, with the future the caller waits on. The caller
 * builds it (validated, data digested) on its own thread; the writer thread alone completes it, after
 * its group's COMMIT (or its failure).
 */
sealed interface PendingWrite extends Appender.Message permits PendingWrite.Append, PendingWrite.Import {

  /** Events this write adds (for sizing groups). */
  int size();

  /** Bytes of data and metadata it carries (for sizing groups). */
  long bytes();

  /** Fails the caller's future. */
  void fail(Throwable cause);

  /**
   * An append to one stream.
   *
   * @param dataDigests SHA-256 of each event's data, in order (the chain covers them)
   */
  record Append(String stream, ExpectedVersion expected, List<EventData> events, List<UUID> ids,
      byte[][] dataDigests, CompletableFuture<AppendResult> done) implements PendingWrite {

    static Append of(String stream, ExpectedVersion expected, List<EventData> events) {
      List<EventData> copy = List.copyOf(events);
      ChainHash hash = new ChainHash();
      byte[][] digests = new byte[copy.size()][];
      UUID[] ids = new UUID[copy.size()];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = hash.dataDigest(copy.get(i).data().unsafeBytes());
        ids[i] = copy.get(i).id();
      }
      return new Append(stream, expected, copy, List.of(ids), digests, new CompletableFuture<>());
    }

    @Override
    public int size() {
      return events.size();
    }

    @Override
    public long bytes() {
      long b = 0;
      for (EventData e : events) {
        b += e.data().size() + e.metadata().size();
      }
      return b;
    }

    @Override
    public void fail(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  /**
   * An import with original times.
   *
   * @param metadata each event's metadata with {@code "imported": true} added
   */
  record Import(List<ImportEvent> events, List<Json> metadata, byte[][] dataDigests, CompletableFuture<ImportResult> done)
      implements PendingWrite {

    static Import of(List<ImportEvent> events, List<Json> metadata) {
      List<ImportEvent> copy = List.copyOf(events);
      ChainHash hash = new ChainHash();
      byte[][] digests = new byte[copy.size()][];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = hash.dataDigest(copy.get(i).event().data().unsafeBytes());
      }
      return new Import(copy, List.copyOf(metadata), digests, new CompletableFuture<>());
    }

    @Override
    public int size() {
      return events.size();
    }

    @Override
    public long bytes() {
      long b = 0;
      for (int i = 0; i < events.size(); i++) {
        b += events.get(i).event().data().size() + metadata.get(i).size();
      }
      return b;
    }

    @Override
    public void fail(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }
}
