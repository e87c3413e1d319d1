package dev.annals.cqrs.projection;

import dev.annals.core.RecordedEvent;

/**
 * Applies one recorded event to a read model through the target's session {@code S} (a
 * {@link JdbcSession} or {@link MemoryTables}). May be called again for the same event after a
 * rollback, so it must only write through the session.
 */
@FunctionalInterface
public interface EventApplier<S> {

  void apply(S session, RecordedEvent event) throws Exception;
}
