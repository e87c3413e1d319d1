package dev.annals.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which time view of a stream {@link HttpEventStore#readStreamAsOf} asks the server for (docs/time.md):
 * the events known at an instant, the events in effect at an instant, or the events in effect at one
 * instant as known at another. Immutable.
 */
public final class AsOf {

  private final @Nullable Instant knownAt;
  private final @Nullable Instant validAt;

  private AsOf(@Nullable Instant knownAt, @Nullable Instant validAt) {
    this.knownAt = knownAt;
    this.validAt = validAt;
  }

  /** The events recorded by {@code t}, in version order. */
  public static AsOf knownAt(Instant t) {
    return new AsOf(Objects.requireNonNull(t, "knownAt"), null);
  }

  /** The events in effect at {@code v} as known now, in ({@code effectiveAt}, version) order. */
  public static AsOf validAt(Instant v) {
    return new AsOf(null, Objects.requireNonNull(v, "validAt"));
  }

  /** The same view as known at {@code t}. */
  public AsOf withKnownAt(Instant t) {
    return new AsOf(Objects.requireNonNull(t, "knownAt"), validAt);
  }

  /** The same view in effect at {@code v}. */
  public AsOf withValidAt(Instant v) {
    return new AsOf(knownAt, Objects.requireNonNull(v, "validAt"));
  }

  public Optional<Instant> knownAt() {
    return Optional.ofNullable(knownAt);
  }

  public Optional<Instant> validAt() {
    return Optional.ofNullable(validAt);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AsOf a && Objects.equals(knownAt, a.knownAt) && Objects.equals(validAt, a.validAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(knownAt, validAt);
  }

  @Override
  public String toString() {
    return "AsOf[knownAt=" + knownAt + ", validAt=" + validAt + "]";
  }
}
