package dev.annals.core;

/** The caller's input breaks a rule of the event model; nothing was written. Code {@code invalid_request}. */
public class InvalidInputException extends EventStoreException {

  public InvalidInputException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "invalid_request";
  }
}
