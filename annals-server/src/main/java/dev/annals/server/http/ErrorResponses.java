package dev.annals.server.http;

import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.InvalidInputException;
import dev.annals.core.PayloadTooLargeException;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.WrongExpectedVersionException;
import dev.annals.cqrs.codec.EventCodecException;
import dev.annals.cqrs.codec.EventDecodingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps the store's and the codecs' exceptions to the wire errors of docs/http-api.md. Stateless. */
public final class ErrorResponses {

  private ErrorResponses() {}

  public static HttpError of(EventStoreException e) {
    return switch (e) {
      case WrongExpectedVersionException w -> {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("stream", w.stream());
        extra.put("expected", expectedOnWire(w.expected()));
        extra.put("actual", w.actual());
        yield new HttpError(409, w.code(), w.getMessage(), extra);
      }
      case IdempotencyConflictException c ->
          new HttpError(409, c.code(), c.getMessage(), Map.of("stream", c.stream(), "eventId", c.eventId().toString()));
      case PayloadTooLargeException p -> HttpError.tooLarge(p.limit(), p.max(), p.actual(), p.getMessage());
      case InvalidInputException i -> HttpError.invalid(i.getMessage());
      case StoreUnavailableException u -> new HttpError(503, u.code(), u.getMessage());
      default -> new HttpError(503, "unavailable", e.getMessage());
    };
  }

  /**
   * A stored event the module's codec cannot decode (or a domain event it cannot encode): stored data
   * and deployed code disagree. Not a client mistake (no 4xx) and not a passing outage (retrying does
   * not help, so no 503): a 500 with its own code. The message names the event (id, stream, version,
   * position) and the problem.
   */
  public static HttpError of(EventCodecException e) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("type", e.type());
    if (e instanceof EventDecodingException d && d.schema() > 0) {
      extra.put("schema", d.schema());
    }
    return new HttpError(500, "codec_error", String.valueOf(e.getMessage()), extra);
  }

  /** {@code "any"}, {@code "no_stream"}, {@code "exists"} as strings, an exact version as a number. */
  static Object expectedOnWire(ExpectedVersion expected) {
    return expected instanceof ExpectedVersion.Exact exact ? (Object) exact.version() : expected.toString();
  }
}
