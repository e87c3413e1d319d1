package dev.annals.cqrs.snapshot;

import java.time.Instant;

/**
 * A usable snapshot: the state after folding versions 1..{@code version} of {@code stream}.
 *
 * @param lastRecordedAt the {@code recordedAt} of the event at {@code version}: every folded event was
 *     recorded at or before it, so the snapshot may start a known-at query for any {@code T >=} it
 * @param takenAt when the snapshot itself was recorded
 */
public record Snapshot<S>(String stream, S state, long version, Instant lastRecordedAt, Instant takenAt) {}
