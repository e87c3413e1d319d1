package dev.annals.cqrs.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns the data of one stored shape ({@code fromType} at schema {@code fromSchema}) into the next
 * ({@code toType} at {@code toSchema}). A codec chains upcasters by (type, schema) until no upcaster
 * matches; the result must be a registered type at its current schema.
 *
 * @param transform gets a fresh tree it may change in place; returns the new data. Numbers with a
 *     fraction or exponent arrive as exact {@code DecimalNode}s (digits and scale as stored), so an
 *     unchanged field decodes as it would from a stored event of the current shape
 */
public record Upcaster(String fromType, int fromSchema, String toType, int toSchema, UnaryOperator<JsonNode> transform) {

  public Upcaster {
    Objects.requireNonNull(fromType, "fromType");
    Objects.requireNonNull(toType, "toType");
    Objects.requireNonNull(transform, "transform");
    if (fromSchema < 1 || toSchema < 1) {
      throw new IllegalArgumentException("schema versions start at 1");
    }
    if (fromType.equals(toType) && toSchema <= fromSchema) {
      throw new IllegalArgumentException("an upcaster of '" + fromType + "' must raise the schema version, "
          + fromSchema + " -> " + toSchema);
    }
  }

  /** The same type, schema {@code fromSchema} to {@code fromSchema + 1}. */
  public static Upcaster of(String type, int fromSchema, UnaryOperator<JsonNode> transform) {
    return new Upcaster(type, fromSchema, type, fromSchema + 1, transform);
  }
}
