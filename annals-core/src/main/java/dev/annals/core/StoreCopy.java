package dev.annals.core;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Copies a whole store into an empty one, engine to engine: reads the source's {@link StoredEvent}s in
 * position order, checks each against the one chain definition ({@link ChainHash}: positions gap-free
 * from 1, appends whole, every stored chain hash equal to the one its fields give) and hands it to the
 * target. A source that fails a check is not copied further ({@link CopyRefusedException}, naming the
 * position); the source is never changed. Stateless.
 */
public final class StoreCopy {

  /** Receives progress: events copied so far (called every {@link #PROGRESS_EVERY} events and at the end). */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = events -> { };

    void copied(long events);
  }

  /** Progress is reported this often. */
  public static final int PROGRESS_EVERY = 10_000;

  /**
   * A store's head as one side of a copy sees it.
   *
   * @param position the last position (0: empty)
   * @param hash the chain hash of that event, lowercase hex (64 zeros: empty)
   */
  public record Head(long position, String hash) {}

  /** The outcome: events copied and both heads, which a good copy has equal. */
  public record Result(long events, Head source, Head target) {
    /** Whether both stores end at the same position with the same chain hash. */
    public boolean same() {
      return source.equals(target);
    }
  }

  private StoreCopy() {}

  /** Copies every event of {@code source} into {@code target} (empty) and finishes it. */
  public static Result copy(StoredEventSource source, StoredEventTarget target, Progress progress) {
    Checker checker = new Checker(source.describe(), target, progress);
    source.storeId().ifPresent(target::keepStoreId); // the same history: the same store, for exporters
    long events = source.forEach(checker);
    checker.end();
    Head sourceHead = new Head(checker.position, ChainHash.hex(checker.previous));
    Head targetHead = target.finish();
    progress.copied(events);
    return new Result(events, sourceHead, targetHead);
  }

  /** Checks each event against the chain and the one before it, then passes it on. */
  private static final class Checker implements java.util.function.Consumer<StoredEvent> {
    private final String where;
    private final StoredEventTarget target;
    private final Progress progress;
    private final ChainHash chain = new ChainHash();
    private byte[] previous = ChainHash.genesis();
    private long position;
    private @Nullable StoredEvent last;

    Checker(String where, StoredEventTarget target, Progress progress) {
      this.where = where;
      this.target = target;
      this.progress = progress;
    }

    @Override
    public void accept(StoredEvent e) {
      long p = e.event().position();
      if (p != position + 1) {
        throw new CopyRefusedException(where + " holds position " + p + " after " + position
            + "; positions must follow each other. Nothing more was copied; run verify on the source");
      }
      boolean batchGoesOn = last != null && !last.endsBatch();
      if (batchGoesOn ? e.indexInBatch() != last.indexInBatch() + 1 || e.batchSize() != last.batchSize()
          : e.indexInBatch() != 0) {
        throw new CopyRefusedException(where + ": the event at position " + p + " (" + (e.indexInBatch() + 1) + " of "
            + e.batchSize() + " in its append) does not follow the append before it. Nothing more was copied;"
            + " run verify on the source");
      }
      byte[] computed = e.computeChain(chain, previous);
      if (!Arrays.equals(computed, e.chainHash())) {
        throw new CopyRefusedException(where + ": the hash chain is broken at position " + p
            + " (the stored hash does not match the event and the hash before it). Nothing more was copied;"
            + " run verify on the source");
      }
      target.write(e);
      previous = computed;
      position = p;
      last = e;
      if (p % PROGRESS_EVERY == 0) {
        progress.copied(p);
      }
    }

    void end() {
      if (last != null && !last.endsBatch()) {
        throw new CopyRefusedException(where + " ends inside an append (the event at position " + position + " is "
            + (last.indexInBatch() + 1) + " of " + last.batchSize() + "). Nothing was finished; run verify on the source");
      }
    }
  }
}
