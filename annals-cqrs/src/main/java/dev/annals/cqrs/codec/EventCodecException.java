package dev.annals.cqrs.codec;

import org.jspecify.annotations.Nullable;

/**
 * A stored event (or a domain event about to be stored) does not fit the codec. Carries the type
 * name and, for recorded events, where the event is.
 */
public abstract sealed class EventCodecException extends RuntimeException
    permits UnknownEventTypeException, EventDecodingException {

  private final String type;

  protected EventCodecException(String type, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  /** The type name involved (for an unregistered class: the class name). */
  public String type() {
    return type;
  }
}
