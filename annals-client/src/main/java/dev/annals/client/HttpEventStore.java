package dev.annals.client;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Page;
import dev.annals.core.InvalidInputException;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamNames;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link EventStore} on an Annals server, over its HTTP API (docs/http-api.md); subscriptions read
 * Server-Sent Events and reconnect with {@code Last-Event-ID} after a dropped connection. The server's
 * error replies come back as the core's exceptions ({@code WrongExpectedVersionException} with the
 * actual version, {@code PayloadTooLargeException} with the limit, ...); a refused key or permission is
 * a {@link RequestRefusedException}; an unreachable server is {@link StoreUnavailableException}.
 * Thread-safe.
 */
public final class HttpEventStore implements EventStore {

  private final URI base;
  private final Optional<String> apiKey;
  private final HttpClient http;
  private final Duration timeout;
  /** A subscription's connection silent this long (no event, no heartbeat) is dropped and made again. */
  private volatile Duration subscriptionIdle = DEFAULT_SUBSCRIPTION_IDLE;
  /** Three of the server's default heartbeat intervals (15 s). */
  static final Duration DEFAULT_SUBSCRIPTION_IDLE = Duration.ofSeconds(45);
  private final boolean ownsHttp;
  private final Set<HttpSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A client of the server at {@code base} (e.g. {@code http://127.0.0.1:7070}), without an API key. */
  public HttpEventStore(URI base) {
    this(base, ClientOptions.defaults());
  }

  /** A client of the server at {@code base} with {@code options} (API key, timeout, HTTP client). */
  public HttpEventStore(URI base, ClientOptions options) {
    this.ownsHttp = options.httpClient().isEmpty();
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.apiKey = options.apiKey();
    this.http = options.httpClient().orElseGet(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build());
    this.timeout = options.timeout();
  }

  // ---- writes ------------------------------------------------------------------------------------

  @Override
  public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    checkName(stream);
    byte[] body = WireFormat.write(g -> {
      g.writeStartObject();
      WireFormat.writeExpected(g, expected);
      g.writeArrayFieldStart("events");
      for (EventData e : events) {
        g.writeStartObject();
        WireFormat.writeEventFields(g, e);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
    WireFormat.Reply r = send("POST", "/streams/" + segment(stream), Optional.of(body));
    return new AppendResult(r.text("stream"), r.number("firstVersion"), r.number("lastVersion"),
        r.number("firstPosition"), r.number("lastPosition"), Instant.parse(r.text("recordedAt")));
  }

  @Override
  public ImportResult importEvents(List<ImportEvent> events) {
    byte[] body = WireFormat.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (ImportEvent e : events) {
        g.writeStartObject();
        g.writeStringField("stream", e.stream());
        WireFormat.writeEventFields(g, e.event());
        g.writeStringField("recordedAt", WireFormat.instant(e.recordedAt()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
    WireFormat.Reply r = send("POST", "/admin/import", Optional.of(body));
    return new ImportResult((int) r.number("count"), r.number("firstPosition"), r.number("lastPosition"));
  }

  // ---- reads -------------------------------------------------------------------------------------

  @Override
  public Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    checkName(stream);
    String path = "/streams/" + segment(stream) + "?from=" + Math.max(0, fromVersion) + "&limit=" + limit
        + "&direction=" + direction.name().toLowerCase(Locale.ROOT);
    Optional<WireFormat.Reply> r = sendAllowingNotFound(path, stream);
    if (r.isEmpty()) {
      return new Page(List.of(), direction == Direction.FORWARD ? Math.max(1, fromVersion) : 0, true);
    }
    return page(r.get());
  }

  /**
   * One page of a stream's time view computed by the server ({@code GET /streams/{s}?knownAt=&validAt=},
   * docs/time.md): with a valid-at instant, the events in effect then as known at the known-at instant
   * (default: everything), {@code from} being the place in that view; with only a known-at instant, the
   * events recorded by then, {@code from} being a version. A stream without events reads as an empty page.
   */
  public Page readStreamAsOf(String stream, long from, int limit, AsOf asOf) {
    checkName(stream);
    StringBuilder path = new StringBuilder("/streams/").append(segment(stream)).append("?from=").append(Math.max(0, from))
        .append("&limit=").append(limit);
    asOf.knownAt().ifPresent(t -> path.append("&knownAt=").append(query(t.toString())));
    asOf.validAt().ifPresent(v -> path.append("&validAt=").append(query(v.toString())));
    return sendAllowingNotFound(path.toString(), stream).map(HttpEventStore::page)
        .orElseGet(() -> new Page(List.of(), Math.max(1, from), true));
  }

  @Override
  public Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    StringBuilder path = new StringBuilder("/all?from=").append(Math.max(0, fromPosition))
        .append("&limit=").append(limit)
        .append("&direction=").append(direction.name().toLowerCase(Locale.ROOT));
    appendFilter(path, filter);
    return page(send("GET", path.toString(), Optional.empty()));
  }

  static void appendFilter(StringBuilder path, Filter filter) {
    if (!filter.types().isEmpty()) {
      StringJoiner types = new StringJoiner(",");
      filter.types().stream().sorted().forEach(types::add);
      path.append("&types=").append(query(types.toString()));
    }
    filter.category().ifPresent(c -> path.append("&category=").append(query(c)));
    // The empty prefix selects every stream: the same as no prefix condition.
    filter.prefix().filter(p -> !p.isEmpty()).ifPresent(p -> path.append("&prefix=").append(query(p)));
    if (filter.includeSystem()) {
      path.append("&system=true");
    }
  }

  private static Page page(WireFormat.Reply r) {
    boolean end = r.isNull("next");
    long next = end ? (r.fields().containsKey("cursor") ? r.number("cursor") : 0) : r.number("next");
    return new Page(r.events(), next, end);
  }

  @Override
  public long positionAt(Instant instant) {
    // The wire takes years -999,999,999..999,999,999 (ISO offset date-times); Instant reaches a little
    // further. Every event lies in years 0001..9999, so clamping to the wire's range keeps the answer.
    Instant at = instant.isAfter(LATEST_ON_THE_WIRE) ? LATEST_ON_THE_WIRE
        : instant.isBefore(EARLIEST_ON_THE_WIRE) ? EARLIEST_ON_THE_WIRE : instant;
    return send("GET", "/position?at=" + query(WireFormat.instant(at)), Optional.empty()).number("position");
  }

  private static final Instant LATEST_ON_THE_WIRE = java.time.LocalDateTime.MAX.toInstant(java.time.ZoneOffset.UTC);
  private static final Instant EARLIEST_ON_THE_WIRE = java.time.LocalDateTime.MIN.toInstant(java.time.ZoneOffset.UTC);

  @Override
  public long headPosition() {
    return send("GET", "/head", Optional.empty()).number("head");
  }

  @Override
  public long streamVersion(String stream) {
    checkName(stream);
    Optional<WireFormat.Reply> r = sendAllowingNotFound("/streams/" + segment(stream) + "?direction=backward&limit=1", stream);
    return r.map(reply -> reply.events().isEmpty() ? 0L : reply.events().getFirst().version()).orElse(0L);
  }

  /**
   * {@code GET /streams} with the query's {@code prefix}, {@code category} and {@code after}, following
   * the server's {@code next} until {@code limit} streams are listed or there are no more.
   */
  @Override
  public List<StreamInfo> listStreams(StreamQuery query, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be >= 1, was " + limit);
    }
    // The server reads an empty category as no condition; the streams of the empty category are the
    // names starting with '-' (see StreamNames.category), so ask for those by prefix instead.
    boolean emptyCategory = query.category().filter(String::isEmpty).isPresent();
    String prefix = emptyCategory && query.prefix().isEmpty() ? "-" : query.prefix();
    if (emptyCategory && !prefix.startsWith("-")) {
      return List.of(); // every name with this prefix has a category of at least one character
    }
    Optional<String> category = emptyCategory ? Optional.empty() : query.category();
    List<StreamInfo> out = new ArrayList<>();
    Optional<String> after = query.after();
    while (out.size() < limit) {
      StringBuilder path = new StringBuilder("/streams?limit=").append(limit - out.size());
      if (!prefix.isEmpty()) {
        path.append("&prefix=").append(query(prefix));
      }
      category.ifPresent(c -> path.append("&category=").append(query(c)));
      after.ifPresent(a -> path.append("&after=").append(query(a)));
      WireFormat.StreamsPage page = WireFormat.parseStreams(sendForBody("GET", path.toString()));
      out.addAll(page.streams());
      if (page.next().isEmpty() || page.streams().isEmpty()) {
        break;
      }
      after = page.next();
    }
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
  }

  // ---- subscriptions -----------------------------------------------------------------------------

  @Override
  public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
    ensureOpen();
    long from = Math.max(1, fromPosition);
    StringBuilder query = new StringBuilder();
    appendFilter(query, filter);
    return register(new HttpSubscription(this, "/subscribe/all", query.toString(), from, handler));
  }

  @Override
  public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
    StreamNames.validate(stream);
    ensureOpen();
    long from = Math.max(1, fromVersion);
    return register(new HttpSubscription(this, "/subscribe/streams/" + segment(stream), "", from, handler));
  }

  private Subscription register(HttpSubscription s) {
    subscriptions.add(s);
    s.start(() -> subscriptions.remove(s));
    return s;
  }

  @Override
  public void close() {
    closed = true;
    for (HttpSubscription s : List.copyOf(subscriptions)) {
      s.close();
    }
    if (ownsHttp) {
      // not close(), which waits for every request in flight, however long a stalled server takes
      http.shutdownNow();
      try {
        http.awaitTermination(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private void ensureOpen() {
    if (closed) {
      throw new StoreUnavailableException("the client is closed");
    }
  }

  /**
   * Names a URL path cannot carry to the server (empty, or holding NUL, which HTTP servers refuse in
   * any URI) are checked here with the core's rules and messages; the server checks every other rule.
   */
  private static void checkName(String stream) {
    if (stream.isEmpty() || stream.indexOf('\u0000') >= 0) {
      StreamNames.validate(stream);
    }
  }

  /**
   * A path segment. A string with an unpaired surrogate has no UTF-8 form: URLEncoder would send a
   * {@code ?} in its place, naming another stream; it is refused here, where every name is encoded.
   */
  static String segment(String stream) {
    if (unpairedSurrogate(stream) >= 0) {
      StreamNames.validate(stream);
    }
    return URLEncoder.encode(stream, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query parameter's value; one with an unpaired surrogate is refused (see {@link #segment}). */
  static String query(String value) {
    int at = unpairedSurrogate(value);
    if (at >= 0) {
      throw new InvalidInputException("'" + value.substring(0, at) + "' is followed by an unpaired surrogate at index " + at
          + ", which has no UTF-8 form");
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The index of the first unpaired surrogate in {@code s}, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    return b;
  }

  HttpClient http() {
    return http;
  }

  Duration subscriptionIdle() {
    return subscriptionIdle;
  }

  /** Tests: a shorter idle limit for subscriptions started after this call. */
  void subscriptionIdle(Duration idle) {
    subscriptionIdle = idle;
  }

  private WireFormat.Reply send(String method, String path, Optional<byte[]> body) {
    return WireFormat.parse(sendForBody(method, path, body));
  }

  private byte[] sendForBody(String method, String path) {
    return sendForBody(method, path, Optional.empty());
  }

  private byte[] sendForBody(String method, String path, Optional<byte[]> body) {
    ensureOpen();
    HttpRequest.Builder b = request(path).timeout(timeout)
        .method(method, body.map(HttpRequest.BodyPublishers::ofByteArray).orElse(HttpRequest.BodyPublishers.noBody()));
    body.ifPresent(x -> b.header("Content-Type", "application/json"));
    HttpResponse<byte[]> r = exchange(b.build());
    if (r.statusCode() / 100 != 2) {
      throw WireFormat.error(r.statusCode(), r.body());
    }
    return r.body();
  }

  private Optional<WireFormat.Reply> sendAllowingNotFound(String path, String stream) {
    ensureOpen();
    HttpResponse<byte[]> r = exchange(request(path).timeout(timeout).GET().build());
    if (r.statusCode() == 404) {
      // only the stream's own 404 (it names the stream) means "no events": a wrong base URL gets a 404 too
      if (WireFormat.namesStream(r.body(), stream)) {
        return Optional.empty();
      }
      throw WireFormat.error(404, r.body());
    }
    if (r.statusCode() / 100 != 2) {
      throw WireFormat.error(r.statusCode(), r.body());
    }
    return Optional.of(WireFormat.parse(r.body()));
  }

  /**
   * One request and its whole response, within {@link #timeout}: the request's own timeout only covers
   * the wait for the response's headers, so a body that stops arriving would otherwise hang the caller.
   */
  private HttpResponse<byte[]> exchange(HttpRequest request) {
    java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> f =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      return f.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw new StoreUnavailableException("cannot reach the server at " + base + ": " + cause, cause);
    } catch (java.util.concurrent.TimeoutException e) {
      f.cancel(true);
      throw new StoreUnavailableException("the server at " + base + " did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for the server", e);
    }
  }

}
