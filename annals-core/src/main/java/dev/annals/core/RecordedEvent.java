package dev.annals.core;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as recorded by a store.
 *
 * @param version 1-based, gap-free position within its stream
 * @param position global, strictly increasing, 1-based
 * @param recordedAt assigned by the store at commit; never decreases along {@code position}
 * @param effectiveAt when it took effect; equals {@code recordedAt} unless the writer gave one
 */
public record RecordedEvent(
    UUID id,
    String stream,
    long version,
    long position,
    String type,
    Json data,
    Json metadata,
    Instant recordedAt,
    Instant effectiveAt) {

  /** The part of the stream name before the first {@code -} (the whole name when there is none). */
  public String category() {
    return StreamNames.category(stream);
  }
}
