package dev.annals.cqrs;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.EventCodec;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Folds a stream's events forward in pages (never the whole stream in memory), decoding each through
 * the codec (so upcasters apply). Thread-safe (stateless apart from its collaborators).
 */
final class StreamFolder<S, E> {

  /**
   * @param version the last folded version (the start version when nothing was folded)
   * @param folded how many events were folded
   * @param watchedVersion the version of the watched event id, or 0 when it was not seen
   */
  record Folded<S>(S state, long version, Optional<Instant> lastRecordedAt, long folded, long watchedVersion) {}

  private static final int FIRST_PAGE = 32;

  private final EventStore store;
  private final EventCodec<E> codec;
  private final StateFold<S, E> fold;
  private final int pageSize;

  StreamFolder(EventStore store, EventCodec<E> codec, StateFold<S, E> fold, int pageSize) {
    this.store = store;
    this.codec = codec;
    this.fold = fold;
    this.pageSize = pageSize;
  }

  StateFold<S, E> fold() {
    return fold;
  }

  EventCodec<E> codec() {
    return codec;
  }

  /**
   * Folds the events after {@code afterVersion} into {@code state}, up to version {@code maxVersion}
   * and only those at a global position below {@code positionLimit}.
   */
  Folded<S> forward(String stream, S state, long afterVersion, Optional<Instant> lastRecordedAt,
      long maxVersion, long positionLimit, Optional<UUID> watch) {
    long version = afterVersion;
    long folded = 0;
    long watched = 0;
    Optional<Instant> last = lastRecordedAt;
    long from = afterVersion + 1;
    // Pages start small and double: a fold that stops early (a version or time bound) reads little past it.
    int limit = Math.min(FIRST_PAGE, pageSize);
    while (from <= maxVersion) {
      int n = (int) Math.min(limit, maxVersion - from + 1);
      limit = Math.min(pageSize, limit * 2);
      Page page = store.readStream(stream, from, Direction.FORWARD, n);
      for (RecordedEvent e : page.events()) {
        if (e.version() > maxVersion || e.position() >= positionLimit) {
          return new Folded<>(state, version, last, folded, watched);
        }
        if (watch.isPresent() && watch.get().equals(e.id())) {
          watched = e.version();
        }
        state = fold.apply(state, codec.decode(e));
        version = e.version();
        last = Optional.of(e.recordedAt());
        folded++;
      }
      if (page.end() || page.isEmpty()) {
        break;
      }
      from = page.next();
    }
    return new Folded<>(state, version, last, folded, watched);
  }
}
