package dev.annals.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The idempotency rule of docs/http-api.md, as one pure function over what an engine knows about written
 * events. An append whose ids were all written to the same stream by one earlier append returns that
 * append's result; a mix of written and new ids is a conflict.
 */
public final class Idempotency {

  private Idempotency() {}

  /**
   * What an engine knows of one written event.
   *
   * @param indexInBatch this event's index within the append that wrote it
   * @param batchSize how many events that append wrote
   */
  public record Written(
      UUID id, String stream, long version, long position, Instant recordedAt, int indexInBatch, int batchSize) {}

  /** How the rule looks events up. */
  public interface Lookup {
    /** The written event with this id, if it is within the engine's idempotency window. */
    Optional<Written> byId(UUID id);

    /** The written event at {@code version} of {@code stream}, always (not limited by a window). */
    Optional<Written> at(String stream, long version);
  }

  /**
   * Applies the rule before the expected-version check.
   *
   * @return the earlier append's result when this is a retry of it; empty when all ids are new
   * @throws IdempotencyConflictException when some ids were written and this is not an exact retry
   */
  public static Optional<AppendResult> check(
      String stream, ExpectedVersion expected, long actualVersion, List<UUID> ids, Lookup lookup) {
    if (expected instanceof ExpectedVersion.Exact || expected instanceof ExpectedVersion.NoStream) {
      long n = expected instanceof ExpectedVersion.Exact(long v) ? v : 0;
      if (actualVersion > n) {
        Optional<Written> first = lookup.at(stream, n + 1);
        if (first.isPresent() && first.get().id().equals(ids.get(0))) {
          return Optional.of(matchWholeBatch(stream, ids, lookup, n + 1, true));
        }
      }
    }
    Optional<Written> first = lookup.byId(ids.get(0));
    if (first.isEmpty()) {
      for (int i = 1; i < ids.size(); i++) {
        Optional<Written> later = lookup.byId(ids.get(i));
        if (later.isPresent()) {
          // The first id may only have left the window: an exact retry of a batch that straddles the
          // window's edge is found by the place its later event gives (places are not windowed).
          Written w = later.get();
          if (w.stream().equals(stream) && w.indexInBatch() == i && w.batchSize() == ids.size()) {
            try {
              return Optional.of(matchWholeBatch(stream, ids, lookup, w.version() - i, true));
            } catch (IdempotencyConflictException notThatBatch) {
              // fall through: a mix of new and written ids
            }
          }
          throw new IdempotencyConflictException(stream, ids.get(i),
              "was already written, while earlier events of this append were not");
        }
      }
      return Optional.empty();
    }
    Written w = first.get();
    if (!w.stream().equals(stream)) {
      throw new IdempotencyConflictException(stream, w.id(), "was already written to stream '" + w.stream() + "'");
    }
    return Optional.of(matchWholeBatch(stream, ids, lookup, w.version(), false));
  }

  private static AppendResult matchWholeBatch(
      String stream, List<UUID> ids, Lookup lookup, long firstVersion, boolean byPlace) {
    Written head = null;
    Written last = null;
    for (int i = 0; i < ids.size(); i++) {
      Optional<Written> at = lookup.at(stream, firstVersion + i);
      if (at.isEmpty() || !at.get().id().equals(ids.get(i))) {
        throw new IdempotencyConflictException(stream, ids.get(i),
            "does not match the earlier append " + (byPlace ? "at that place in the stream" : "of its first event"));
      }
      Written w = at.get();
      if (w.indexInBatch() != i || w.batchSize() != ids.size()) {
        throw new IdempotencyConflictException(stream, ids.get(i),
            "was written by an earlier append of " + w.batchSize() + " events, not by one like this ("
                + ids.size() + " events)");
      }
      if (i == 0) {
        head = w;
      }
      last = w;
    }
    return new AppendResult(stream, head.version(), last.version(), head.position(), last.position(),
        head.recordedAt());
  }
}
