package dev.annals.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import com.fasterxml.jackson.core.JsonGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Errors Jetty produces itself, before a route runs (a malformed request line, headers too large, a
 * failure while streaming), answered in the API's JSON error shape instead of an HTML page.
 * Thread-safe.
 */
public final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int status, @Nullable String message,
      @Nullable Throwable cause,
      Callback callback) throws IOException {
    // Jetty answers a request it cannot parse with 501 or 505 (an unknown HTTP version or transfer
    // coding): that is the client's mistake, so a 400 like any other malformed request. Only a 503
    // (stopping, overloaded) is "unavailable"; a 500 from Jetty is a bug.
    if (status > 500 && status != 503) {
      status = 400;
      response.setStatus(400);
    }
    String code = switch (status) {
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 413 -> "payload_too_large";
      case 500 -> "internal_error";
      case 503 -> "unavailable";
      default -> "invalid_request";
    };
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = WireJson.generator(buf)) {
      String text = message == null ? "HTTP " + status : message;
      if (status == 400) {
        text = "malformed request (request line, URI encoding or headers): " + text
            + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "");
      }
      Exchange.writeError(g, code, text, Map.of());
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(buf.toByteArray()), callback);
  }
}
