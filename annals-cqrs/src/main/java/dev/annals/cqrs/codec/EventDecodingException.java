package dev.annals.cqrs.codec;

import org.jspecify.annotations.Nullable;

/**
 * A stored event of a registered type cannot be turned into its record: its data does not fit, an
 * upcaster failed, or its schema version is one the codec cannot reach.
 */
public final class EventDecodingException extends EventCodecException {

  private final int schema;

  public EventDecodingException(String type, int schema, String message, @Nullable Throwable cause) {
    super(type, message, cause);
    this.schema = schema;
  }

  /** The schema version the event had when decoding failed (after any upcasting that succeeded). */
  public int schema() {
    return schema;
  }
}
