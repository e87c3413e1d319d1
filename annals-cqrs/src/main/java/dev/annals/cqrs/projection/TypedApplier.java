package dev.annals.cqrs.projection;

import dev.annals.core.RecordedEvent;

/**
 * Applies a decoded domain event ({@code E}, e.g. a record of a sealed interface decoded by an event
 * codec) with its envelope (stream, version, position, times).
 */
@FunctionalInterface
public interface TypedApplier<S, E> {

  void apply(S session, E event, RecordedEvent envelope) throws Exception;
}
