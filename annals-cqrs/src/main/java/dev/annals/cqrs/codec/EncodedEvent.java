package dev.annals.cqrs.codec;

import dev.annals.core.Json;
import java.util.Objects;

/**
 * The stored form of a domain event.
 *
 * @param type the registered type name
 * @param data the record as JSON
 * @param schema the schema version of {@code data}'s shape (1 for a type's first shape)
 */
public record EncodedEvent(String type, Json data, int schema) {
  public EncodedEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    if (schema < 1) {
      throw new IllegalArgumentException("schema versions start at 1, was " + schema);
    }
  }
}
