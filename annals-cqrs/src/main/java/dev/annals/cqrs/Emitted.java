package dev.annals.cqrs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event a decider emits, with the two envelope facts a decider may set: when it took effect in the
 * world ({@code effectiveAt}; absent: when recorded) and which earlier events of the same stream it
 * voids ({@code revokes}, stored as metadata {@code revokes}). Everything else about the envelope
 * (id, version, times, metadata) is the handler's.
 *
 * <pre>{@code
 * Emitted.of(new FeeCharged(feeId, 5))                 // a plain event
 *     .effectiveAt(command.chargedAt())                 // a correction: took effect in the past
 *     .revoking(command.wrongFeeEventId());             // and voids the wrong event
 * }</pre>
 */
public record Emitted<E>(E event, Optional<Instant> effectiveAt, List<UUID> revokes) {

  public Emitted {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(effectiveAt, "effectiveAt");
    revokes = List.copyOf(revokes);
  }

  public static <E> Emitted<E> of(E event) {
    return new Emitted<>(event, Optional.empty(), List.of());
  }

  /** This event, taking effect at {@code at} (a correction when {@code at} is in the past). */
  public Emitted<E> effectiveAt(Instant at) {
    return new Emitted<>(event, Optional.of(at), revokes);
  }

  /** This event, also voiding the events with these ids (in the valid-at view, docs/time.md). */
  public Emitted<E> revoking(UUID... eventIds) {
    List<UUID> all = new java.util.ArrayList<>(revokes);
    all.addAll(List.of(eventIds));
    return new Emitted<>(event, effectiveAt, all);
  }
}
