package dev.annals.server;

import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.InvalidInputException;
import dev.annals.core.PayloadTooLargeException;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.WrongExpectedVersionException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps the store's exceptions to the wire errors of design §6. Stateless. */
final class ErrorResponses {

  private ErrorResponses() {}

  static HttpError of(EventStoreException e) {
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

  /** {@code "any"}, {@code "no_stream"}, {@code "exists"} as strings, an exact version as a number. */
  static Object expectedOnWire(ExpectedVersion expected) {
    return expected instanceof ExpectedVersion.Exact exact ? (Object) exact.version() : expected.toString();
  }
}
