package dev.annals.cqrs.projection;

import dev.annals.core.RecordedEvent;
import java.util.List;

/**
 * Applies all the events of one unit of work at once, so that a projection can fold many events into
 * few writes (for example one upsert per row touched, where per-event appliers would write the row
 * once per event): what makes a rebuild of a large log fast on a JDBC target.
 *
 * <p>The events are one partition's, in position order, at least one. The call may be repeated for the
 * same events after a rollback, and, when it throws, the runner calls it again with one event at a time
 * to find the failing event (which is then retried, parked or stops the projection, as for per-event
 * appliers). It must therefore only write through the session.
 */
@FunctionalInterface
public interface BatchApplier<S> {

  void apply(S session, List<RecordedEvent> events) throws Exception;
}
