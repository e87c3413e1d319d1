package dev.annals.cqrs.projection;

import java.time.Duration;
import java.util.Optional;

/**
 * A runner's state, as a value a server can serialise.
 *
 * @param position the gap-safe checkpoint (nothing at or below is unprocessed)
 * @param head the store's head when measured
 * @param lagEvents {@code head - position} (positions, so events the filter skips count too)
 * @param lagSeconds the age of the oldest unprocessed event; zero when caught up
 * @param parked events parked so far and not replayed
 * @param lastError the last applier or store error, even if a retry then succeeded
 * @param progress for a rebuild: done, to go, rate, ETA
 */
public record ProjectionStatus(ProjectionId id, ProjectionState state, boolean live, long position, long head,
    long lagEvents, Duration lagSeconds, int partitions, long applied, int parked, Optional<String> lastError,
    Optional<RebuildProgress> progress) {}
