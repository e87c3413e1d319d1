package dev.annals.core;

/**
 * The store cannot accept writes (fail-stop after an I/O error, a full disk, closed). Reads may still
 * work. Code {@code unavailable}.
 */
public final class StoreUnavailableException extends EventStoreException {

  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "unavailable";
  }
}
