package dev.annals.core;

/**
 * Base of every failure the store reports on purpose. {@link #code()} is the stable error code used
 * on the wire (docs/http-api.md): a client can branch on it without parsing messages.
 */
public abstract class EventStoreException extends RuntimeException {

  protected EventStoreException(String message) {
    super(message);
  }

  protected EventStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The stable error code, e.g. {@code wrong_expected_version}. */
  public abstract String code();
}
