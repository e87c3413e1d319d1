package dev.annals.cqrs;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The pure core of a command-handling model (docs/time.md): {@code decide} turns a command and the
 * current state into new events, {@code evolve} folds one event into the state, starting from
 * {@code initialState}. Commands, states and events are sealed interfaces of records.
 *
 * <p>Both functions are pure: time and ids enter through the command (or a {@code Clock} the caller
 * used to build the command), never through {@code now()} inside {@code decide}. A command that is not
 * allowed is refused by throwing {@link CommandRejectedException} from {@code decide}.
 *
 * <p>{@code decide} returns {@link Emitted} events: plain ones ({@link Emitted#of}) or corrections that
 * carry an {@code effectiveAt} in the past and the ids of the events they revoke (docs/time.md).
 */
public interface Decider<C, S, E> {

  List<Emitted<E>> decide(C command, S state);

  S evolve(S state, E event);

  S initialState();

  /** The state fold of this decider (evolve + initial state), for queries and projections. */
  default StateFold<S, E> fold() {
    return new StateFold<>(initialState(), this::evolve);
  }

  /** A decider whose {@code decide} emits plain events (effective when recorded, revoking nothing). */
  static <C, S, E> Decider<C, S, E> of(
      BiFunction<C, S, List<E>> decide, BiFunction<S, E, S> evolve, S initialState) {
    return withCorrections((c, s) -> decide.apply(c, s).stream().map(Emitted::of).toList(), evolve, initialState);
  }

  /** A decider whose {@code decide} may emit corrections (see {@link Emitted}). */
  static <C, S, E> Decider<C, S, E> withCorrections(
      BiFunction<C, S, List<Emitted<E>>> decide, BiFunction<S, E, S> evolve, S initialState) {
    return new Decider<>() {
      @Override
      public List<Emitted<E>> decide(C command, S state) {
        return decide.apply(command, state);
      }

      @Override
      public S evolve(S state, E event) {
        return evolve.apply(state, event);
      }

      @Override
      public S initialState() {
        return initialState;
      }
    };
  }
}
