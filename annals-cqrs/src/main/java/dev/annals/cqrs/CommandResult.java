package dev.annals.cqrs;

import dev.annals.core.AppendResult;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a handled command.
 *
 * @param events the domain events the command wrote (for a repeat: the ones its first run wrote)
 * @param append versions, positions and {@code recordedAt} of those events; empty when the decider
 *     emitted nothing
 * @param state the stream's state after the command (for a repeat: the state as loaded now)
 * @param streamVersion the stream version {@code state} corresponds to
 * @param repeated true when this command id had already been handled on this stream, so nothing was
 *     written and the first outcome is returned. When two runs of one command race and the other run's
 *     events landed exactly where this run would have written them (right after the version it
 *     loaded), the store's idempotency rule hands this run that result: it reports the same outcome
 *     with {@code repeated} false
 * @param attempts how many times the command was decided (more than 1 after version conflicts)
 */
public record CommandResult<S, E>(
    String stream,
    List<E> events,
    Optional<AppendResult> append,
    S state,
    long streamVersion,
    boolean repeated,
    int attempts) {

  public CommandResult {
    events = List.copyOf(events);
  }
}
