package dev.annals.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that ends in an error response {@code {"error": code, "message": ..., extra...}}. Thrown by
 * resources and the router; {@link ErrorResponses} also maps the store's exceptions to it.
 */
public final class HttpError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, Object> extra;

  public HttpError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public HttpError(int status, String code, String message, Map<String, Object> extra) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = new LinkedHashMap<>(extra);
  }

  public static HttpError invalid(String message) {
    return new HttpError(400, "invalid_request", message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, "not_found", message);
  }

  public static HttpError forbidden(String message) {
    return new HttpError(403, "forbidden", message);
  }

  public static HttpError unauthorized(String message) {
    return new HttpError(401, "unauthorized", message);
  }

  static HttpError tooLarge(String limit, long max, long actual, String message) {
    return new HttpError(413, "payload_too_large", message, Map.of("limit", limit, "max", max, "actual", actual));
  }

  public int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** Extra fields of the error body (numbers, strings), in order. */
  Map<String, Object> extra() {
    return extra;
  }
}
