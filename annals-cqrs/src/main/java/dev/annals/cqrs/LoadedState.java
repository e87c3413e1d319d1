package dev.annals.cqrs;

import dev.annals.cqrs.snapshot.Snapshot;
import java.util.Optional;

/**
 * A stream's current state as the command side loads it.
 *
 * @param version the stream version {@code state} folds (0: no events)
 * @param snapshot the snapshot loading started from, if any
 * @param eventsAfterSnapshot events folded after the snapshot (all of them without one)
 */
public record LoadedState<S>(String stream, S state, long version, Optional<Snapshot<S>> snapshot, long eventsAfterSnapshot) {}
