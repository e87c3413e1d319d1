package dev.annals.client;

import dev.annals.core.EventStoreException;

/**
 * The server refused a request for a reason the {@link dev.annals.core.EventStore} API has no exception
 * for: {@code unauthorized} (401), {@code forbidden} (403), {@code not_found} (404), or an unexpected
 * status. {@link #code()} is the server's error code.
 */
public final class RequestRefusedException extends EventStoreException {

  private final int status;
  private final String code;

  public RequestRefusedException(int status, String code, String message) {
    super(message + " (HTTP " + status + ")");
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  @Override
  public String code() {
    return code;
  }
}
