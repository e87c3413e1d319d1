package dev.annals.cqrs.codec;

import dev.annals.core.Json;

/**
 * Maps a folded state to and from JSON, for snapshots. {@link #name()} says which fold the state
 * belongs to and {@link #schema()} its shape: a snapshot is used only when both match, so changing the
 * state's shape (or what {@code evolve} computes) is done by raising the schema, which makes every
 * older snapshot stale. Implementations are thread-safe.
 */
public interface StateCodec<S> {

  /** Which fold the state belongs to, e.g. {@code account}. */
  String name();

  /** The version of the state's shape and meaning; raise it whenever either changes. */
  int schema();

  Json encode(S state);

  /**
   * @throws IllegalArgumentException the JSON is not a state of this codec's shape
   */
  S decode(Json json);
}
