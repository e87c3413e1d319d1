/**
 * The event model and the {@link dev.annals.core.EventStore} contract that every Annals storage engine
 * keeps, plus {@link dev.annals.core.InMemoryEventStore}, the engine-independent pieces (expected-version
 * rule, idempotency rule, validation, catch-up subscriptions) and JSON values.
 */
@NullMarked
package dev.annals.core;

import org.jspecify.annotations.NullMarked;
