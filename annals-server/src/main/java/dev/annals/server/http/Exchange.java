package dev.annals.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Utf8;
import dev.annals.server.auth.BrowserGuard;
import dev.annals.server.auth.Principal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request and its response, as the resources see it: decoded path parameters, strictly
 * parsed query parameters, the caller, a size-limited body, and JSON or SSE output. Used by one
 * thread at a time (the request's).
 */
public final class Exchange {

  /** Writes a JSON body. */
  @FunctionalInterface
  public interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private final Request request;
  private final Response response;
  private final Callback callback;
  /** Parsed on first use; null until then. */
  private @Nullable Map<String, String> query;
  private final long maxBodyBytes;
  private Map<String, String> pathParams = Map.of();
  private Principal principal = Principal.unauthenticatedAdmin();
  private boolean responded;
  private boolean bodyTaken;
  private boolean closeAfter;

  public Exchange(Request request, Response response, Callback callback, long maxBodyBytes) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.maxBodyBytes = maxBodyBytes;
  }

  String method() {
    return request.getMethod();
  }

  Request request() {
    return request;
  }

  /** The path split at {@code /} and percent-decoded per segment (so {@code %2F} stays inside a segment). */
  public static List<String> segments(String rawPath) {
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (p.isEmpty()) {
      return List.of();
    }
    String[] parts = p.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = decode(parts[i], false, "the path");
    }
    return List.of(parts);
  }

  public void pathParams(Map<String, String> params) {
    this.pathParams = params;
  }

  public String path(String name) {
    return pathParams.get(name);
  }

  public void principal(Principal p) {
    this.principal = p;
  }

  public Principal principal() {
    return principal;
  }

  /** A request header; given twice it is a 400 (which one would count is a guess, e.g. two Authorization keys). */
  public Optional<String> header(HttpHeader name) {
    return header(name.asString());
  }

  /** A request header; given twice it is a 400, as a query parameter given twice is. */
  public Optional<String> header(String name) {
    List<String> values = request.getHeaders().getValuesList(name);
    if (values.size() > 1) {
      throw HttpError.invalid("header " + name + " is given " + values.size() + " times; give it once");
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  // ---- query parameters ----------------------------------------------------------------------------

  /** Rejects any query parameter not in {@code allowed} (typos must not be silently ignored). */
  public void allowOnly(Set<String> allowed) {
    for (String name : query().keySet()) {
      if (!allowed.contains(name)) {
        throw HttpError.invalid("unknown query parameter '" + WireJson.abbreviate(name) + "'; allowed: "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  public Optional<String> query(String name) {
    return Optional.ofNullable(query().get(name));
  }

  /** The query parameters, parsed on first use (a malformed query is a 400 from the route's try block). */
  private Map<String, String> query() {
    if (query == null) {
      query = parseQuery(request.getHttpURI().getQuery());
    }
    return query;
  }

  /** Every query parameter, in order (for routes whose parameters a module defines). */
  public Map<String, String> queryParams() {
    return java.util.Collections.unmodifiableMap(query());
  }

  public long queryLong(String name, long dflt, long min) {
    Optional<String> v = query(name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.get());
      if (n < min) {
        throw HttpError.invalid(name + " must be >= " + min + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw HttpError.invalid(name + " must be a whole number, was '" + WireJson.abbreviate(v.get()) + "'");
    }
  }

  public Optional<Instant> queryInstant(String name) {
    return query(name).map(v -> WireJson.parseInstant(v, name));
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, "a query parameter name");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "query parameter " + name);
      if (out.put(name, value) != null) {
        throw HttpError.invalid("query parameter '" + WireJson.abbreviate(name) + "' is given twice");
      }
    }
    return out;
  }

  /**
   * Strict percent-decoding to UTF-8; a bad escape or invalid UTF-8 is a 400, also when the invalid
   * bytes came raw (not percent-encoded) and Jetty turned them into U+FFFD.
   */
  static String decode(String s, boolean plusIsSpace, String what) {
    if (s.indexOf('\uFFFD') >= 0) { // Jetty's stand-in for raw bytes in the request line that are not UTF-8
      throw HttpError.invalid("invalid UTF-8 in " + what);
    }
    if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw HttpError.invalid("bad percent-encoding in " + what);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw HttpError.invalid("bad percent-encoding in " + what);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpError.invalid("invalid UTF-8 in " + what);
    }
  }

  // ---- body --------------------------------------------------------------------------------------

  /** For a route that takes no body: a non-empty body is a 400 rather than silently ignored. */
  public void noBody() throws IOException {
    if (readWholeBody().isPresent()) {
      throw HttpError.invalid("this route takes no request body; send none (or an empty one)");
    }
  }

  /** The whole body; 413 {@code payload_too_large} when over the server's request size limit. */
  public byte[] body() throws IOException {
    return optionalBody().orElseThrow(() -> HttpError.invalid("the request needs a JSON body"));
  }

  /**
   * The body when one was sent (an empty body is absent); the size limit holds as for {@link #body()}.
   * A body is JSON: one sent with a {@code Content-Type} that says otherwise is a 400 (curl's {@code -d}
   * without {@code -H} sends a form's type). No {@code Content-Type}, or an empty one, is taken as JSON
   * (the JDK's HttpClient sends none). Not a defence against web pages ({@link BrowserGuard} is): a
   * page's {@code fetch} can send a body with no type at all.
   */
  public Optional<byte[]> optionalBody() throws IOException {
    Optional<byte[]> body = readWholeBody();
    if (body.isPresent()) {
      Optional<String> type = header(HttpHeader.CONTENT_TYPE).filter(t -> !t.isBlank());
      if (type.isPresent() && !isJsonMediaType(type.get())) {
        throw HttpError.invalid("the request body is JSON in UTF-8: send Content-Type: application/json (or no"
            + " Content-Type), not '" + WireJson.abbreviate(type.get()) + "'");
      }
    }
    return body;
  }

  /** The body when one was sent, size-limited and checked to be UTF-8, whatever its Content-Type. */
  private Optional<byte[]> readWholeBody() throws IOException {
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      // Left unread here: settleBody() discards it (within a bound) before the 413 goes out.
      throw HttpError.tooLarge("maxRequestBytes", maxBodyBytes, declared,
          "the request body is " + declared + " bytes, over the limit of " + maxBodyBytes);
    }
    bodyTaken = true;
    // Sized from Content-Length when there is one: no scratch buffer, no copy (a chunked body grows).
    BodyBytes out = new BodyBytes(declared >= 0 ? (int) Math.min(declared, Integer.MAX_VALUE - 64) : 1024);
    long total = readBody(out, maxBodyBytes);
    if (total > maxBodyBytes) {
      // A chunked body over the limit: discard what follows, within the same bound as settleBody().
      closeAfter = true;
      if (total <= drainLimit()) {
        drain(drainLimit() - total);
      }
      throw HttpError.tooLarge("maxRequestBytes", maxBodyBytes, total,
          "the request body is over the limit of " + maxBodyBytes + " bytes");
    }
    if (out.size == 0) {
      return Optional.empty();
    }
    byte[] bytes = out.bytes();
    // Every body is JSON, which is UTF-8: checked strictly before any parser sees it (Jackson lets
    // overlong forms, encoded surrogates and code points over U+10FFFF through).
    try {
      Utf8.check(bytes, "the request body");
    } catch (InvalidInputException e) {
      throw HttpError.invalid(e.getMessage());
    }
    return Optional.of(bytes);
  }

  /**
   * Whether a Content-Type value names JSON: {@code application/json} or {@code application/*+json},
   * any case, with parameters; a {@code charset} parameter, when given, must be UTF-8.
   */
  static boolean isJsonMediaType(String value) {
    String[] parts = value.split(";", -1);
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")
        && !(media.startsWith("application/") && media.endsWith("+json") && media.length() > "application/+json".length())) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim();
        if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
          charset = charset.substring(1, charset.length() - 1);
        }
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Reads the request body chunk by chunk into {@code sink}, or nowhere when null (blocking this thread while no chunk is
   * ready) until its end, or until it is over {@code limit} bytes: then it stops reading and returns
   * a total above the limit. A broken body (client gone, bad chunking, timeout) is an {@link HttpError}.
   */
  private long readBody(@Nullable BodyBytes sink, long limit) throws IOException {
    long total = 0;
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        try (Blocker.Runnable ready = Blocker.runnable()) {
          request.demand(ready);
          ready.block();
        }
        continue;
      }
      try {
        if (Content.Chunk.isFailure(chunk)) {
          throw unreadable(chunk.getFailure());
        }
        ByteBuffer b = chunk.getByteBuffer();
        total += b.remaining();
        if (total > limit) {
          return total;
        }
        if (sink != null) {
          sink.add(b);
        }
        if (chunk.isLast()) {
          return total;
        }
      } finally {
        chunk.release();
      }
    }
  }

  /**
   * Why a body could not be read, as the client's mistake it is: Jetty fails the body's content with
   * an EOF when the connection ends before the body does and when the chunked framing is bad (400),
   * and with a timeout when the client stops sending (408). Neither is a server failure (no 5xx, no
   * ERROR log); the connection is closed after the response, as the body's end was never found.
   */
  private HttpError unreadable(Throwable failure) {
    closeAfter = true;
    if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
      return new HttpError(408, "invalid_request", "the request body did not arrive in time: nothing was received for "
          + "the idle timeout, before the end of the body that the request announced");
    }
    if (failure instanceof EofException || failure instanceof HttpException) {
      return HttpError.invalid("the request body ended early: the connection ended, or the chunked encoding was bad,"
          + " before the whole body arrived");
    }
    return HttpError.invalid("the request body could not be read: " + failure);
  }

  /** A growable byte array (the body being read). */
  private static final class BodyBytes {
    private byte[] buf;
    private int size;

    BodyBytes(int capacity) {
      buf = new byte[Math.max(capacity, 16)];
    }

    void add(ByteBuffer b) {
      int n = b.remaining();
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(size + n, buf.length * 2));
      }
      b.get(buf, size, n);
      size += n;
    }

    byte[] bytes() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }


  // ---- responses ---------------------------------------------------------------------------------

  public boolean responded() {
    return responded;
  }

  public void json(int status, JsonBody body) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (JsonGenerator g = WireJson.generator(buf)) {
      body.write(g);
    }
    send(status, "application/json", buf.toByteArray());
  }

  public void send(int status, String contentType, byte[] bytes) {
    responded = true;
    settleBody();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /**
   * Before a response that did not read the request body (a 401, 403, 404, 405, or a route without a
   * body): drains it, up to the request size limit, so that the connection stays usable for the
   * client's next request. A body that cannot be drained (too large, broken) gets the response a
   * {@code Connection: close}, so a keep-alive client never sends its next request into a connection
   * the server is about to drop (the JDK client does not retry a POST that meets a closed connection).
   *
   * <p>A body declared over the limit (the 413) is discarded too when it is at most twice the limit,
   * and the connection is closed after the response: a client is told why rather than meeting a reset
   * while it still sends (a server that closes with unread bytes makes the kernel send an RST, which
   * can destroy the 413 before the client reads it). A larger body is not read at all.
   */
  private void settleBody() {
    if (!bodyTaken) {
      bodyTaken = true;
      long declared = request.getLength();
      if (declared > maxBodyBytes) {
        closeAfter = true;
        if (declared <= drainLimit()) {
          drain(declared);
        }
      } else if (declared != 0) {
        closeAfter = !drain(maxBodyBytes);
      }
    }
    if (closeAfter) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /** Reads and discards the rest of the body; false when it was over {@code limit} bytes or broken. */
  private boolean drain(long limit) {
    try {
      return readBody(null, limit) <= limit;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** How much of an over-limit body is discarded so that its 413 reaches the client. */
  private long drainLimit() {
    return maxBodyBytes > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : maxBodyBytes * 2;
  }

  public void error(HttpError e) throws IOException {
    if (e.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"annals\"");
    }
    json(e.status(), g -> writeError(g, e.code(), e.getMessage(), e.extra()));
  }

  public void header(HttpHeader name, String value) {
    response.getHeaders().put(name, value);
  }

  /** Sets a response header of our own (one Jetty has no constant for). */
  public void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  public static void writeError(JsonGenerator g, String code, String message, Map<String, Object> extra) throws IOException {
    g.writeStartObject();
    g.writeStringField("error", code);
    g.writeStringField("message", message);
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      g.writeFieldName(e.getKey());
      switch (e.getValue()) {
        case Long l -> g.writeNumber(l);
        case Integer i -> g.writeNumber(i);
        default -> g.writeString(e.getValue().toString());
      }
    }
    g.writeEndObject();
  }

  /**
   * Starts a streaming response (SSE): sends the headers and returns a blocking stream. The caller
   * writes, then calls {@link #finishStream} exactly once.
   */
  public OutputStream startStream(String contentType) {
    responded = true;
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no");
    return Content.Sink.asOutputStream(response);
  }

  public void finishStream(OutputStream out, Optional<Throwable> failure) {
    try {
      out.close();
    } catch (IOException | RuntimeException ignored) {
      // the client is gone; the callback below ends the exchange either way
    }
    failure.ifPresentOrElse(callback::failed, callback::succeeded);
  }
}
