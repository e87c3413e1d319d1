package dev.annals.cqrs;

import java.util.Objects;
import java.util.function.BiFunction;

/** How a stream's events fold into a state: an initial state and a pure {@code evolve}. */
public record StateFold<S, E>(S initialState, BiFunction<S, E, S> evolve) {

  public StateFold {
    Objects.requireNonNull(initialState, "initialState");
    Objects.requireNonNull(evolve, "evolve");
  }

  public S apply(S state, E event) {
    return evolve.apply(state, event);
  }
}
