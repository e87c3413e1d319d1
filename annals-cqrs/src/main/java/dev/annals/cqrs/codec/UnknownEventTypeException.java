package dev.annals.cqrs.codec;

/** No record type is registered under an event's type name, or a record's class is not registered. */
public final class UnknownEventTypeException extends EventCodecException {

  public UnknownEventTypeException(String type, String message) {
    super(type, message, null);
  }
}
