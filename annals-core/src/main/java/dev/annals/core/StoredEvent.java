package dev.annals.core;

import java.util.Arrays;

/**
 * An event as an engine keeps it, with what {@link RecordedEvent} leaves out: the append it belongs to
 * ({@code batchSize} events, this one at {@code indexInBatch}), whether it was imported, and its chain
 * hash ({@link ChainHash}). The neutral form in which a whole store moves between engines: reading every
 * stored event of one engine in position order and writing them into an empty store of another keeps
 * ids, positions, versions, both times, the exact data and metadata bytes, the append boundaries and
 * the import flags, hence the same chain and the same head hash. Immutable.
 *
 * @param chainHash the chain hash up to and including this event, as the engine stored it (32 bytes)
 */
public record StoredEvent(RecordedEvent event, int batchSize, int indexInBatch, boolean imported, byte[] chainHash) {

  public StoredEvent {
    if (batchSize < 1 || indexInBatch < 0 || indexInBatch >= batchSize) {
      throw new IllegalArgumentException("event " + indexInBatch + " of an append of " + batchSize + " events");
    }
    if (chainHash.length != ChainHash.BYTES) {
      throw new IllegalArgumentException("a chain hash is " + ChainHash.BYTES + " bytes, not " + chainHash.length);
    }
    chainHash = chainHash.clone();
  }

  /** A copy of the stored chain hash. */
  @Override
  public byte[] chainHash() {
    return chainHash.clone();
  }

  /** Whether this event is the last of its append. */
  public boolean endsBatch() {
    return indexInBatch == batchSize - 1;
  }

  /**
   * The chain hash this event's logical fields give after {@code previous}, by the one definition
   * ({@link ChainHash#next}); equal to {@link #chainHash()} unless the stored event was changed.
   */
  public byte[] computeChain(ChainHash chain, byte[] previous) {
    RecordedEvent e = event;
    byte[] data = e.data().unsafeBytes();
    return chain.next(previous, e.position(), e.version(), e.id(), e.recordedAt(), e.effectiveAt(), batchSize,
        indexInBatch, imported, e.stream(), e.type(), chain.dataDigest(data), data.length, e.metadata().unsafeBytes());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEvent s && event.equals(s.event) && batchSize == s.batchSize
        && indexInBatch == s.indexInBatch && imported == s.imported && Arrays.equals(chainHash, s.chainHash);
  }

  @Override
  public int hashCode() {
    return event.hashCode() * 31 + Arrays.hashCode(chainHash);
  }

  @Override
  public String toString() {
    return "StoredEvent[" + event + ", batch " + indexInBatch + "/" + batchSize + (imported ? ", imported" : "")
        + ", chain " + ChainHash.hex(chainHash) + "]";
  }
}
