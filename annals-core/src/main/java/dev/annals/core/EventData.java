package dev.annals.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as written by a caller.
 *
 * @param id unique id; retries of an append reuse it (idempotency)
 * @param type 1..128 characters of {@code [A-Za-z0-9._:-]}
 * @param data any JSON value
 * @param metadata a JSON object, possibly empty; see {@link Metadata} for reserved keys
 * @param effectiveAt when the event took effect in the world; absent means "when recorded"
 */
public record EventData(UUID id, String type, Json data, Json metadata, Optional<Instant> effectiveAt) {

  public EventData {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(effectiveAt, "effectiveAt");
  }

  /** A new event with a random id, empty metadata and no effective time. */
  public static EventData of(String type, Json data) {
    return new EventData(UUID.randomUUID(), type, data, Json.EMPTY_OBJECT, Optional.empty());
  }

  /** A new event with a random id and empty metadata, from JSON text. */
  public static EventData of(String type, String dataJson) {
    return of(type, Json.of(dataJson));
  }

  public EventData withId(UUID newId) {
    return new EventData(newId, type, data, metadata, effectiveAt);
  }

  public EventData withMetadata(Json newMetadata) {
    return new EventData(id, type, data, newMetadata, effectiveAt);
  }

  public EventData withEffectiveAt(Instant at) {
    return new EventData(id, type, data, metadata, Optional.of(at));
  }
}
