package dev.annals.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A tiny in-test HTTP server for checking the console's layout and behaviour where the real server
 * cannot show it (states a test controls, failures on demand). It serves {@link ConsoleAssets} at
 * {@code /} and {@code /console/*}, canned JSON per route, and one SSE feed at
 * {@code /subscribe/all}. It records every request. Thread-safe.
 */
public final class StubApi implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as the stub saw it. */
  public record Call(String method, String path, Map<String, String> query, Optional<String> authorization) {}

  /** A canned answer. */
  public record Reply(int status, String body) {
    public static Reply json(Object value) {
      return new Reply(200, write(value));
    }

    public static Reply error(int status, String code, String message) {
      return new Reply(status, write(Map.of("error", code, "message", message)));
    }
  }

  /** Answers a call. */
  @FunctionalInterface
  public interface Responder {
    Reply reply(Call call);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConsoleAssets assets = new ConsoleAssets();
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> feed = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile int generation; // bumped to end every open SSE response, as a network drop would

  public StubApi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} (exact path, decoded) with {@code responder}. */
  public StubApi on(String method, String path, Responder responder) {
    routes.put(method + " " + path, responder);
    return this;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method, String path) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
  }

  /** Appends an event to the SSE feed; its "position" is its index + 1. */
  public synchronized Map<String, Object> publish(Map<String, Object> event) {
    Map<String, Object> e = new LinkedHashMap<>(event);
    e.put("position", (long) feed.size() + 1);
    feed.add(e);
    notifyAll();
    return e;
  }

  /** Ends every open SSE response (the client sees the stream end, as after a dropped connection). */
  public synchronized void dropSubscribers() {
    generation++;
    notifyAll();
  }

  /** Parses JSON text into maps, lists, strings, numbers and booleans. */
  public static Object read(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      Map<String, String> query = parseQuery(x.getRequestURI().getRawQuery());
      Call call = new Call(x.getRequestMethod(), path, query, Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization")));
      calls.add(call);
      if (x.getRequestMethod().equals("GET") && (path.equals("/") || path.startsWith("/console/"))) {
        var asset = assets.find(path.equals("/") ? "/" : path.substring("/console".length()));
        if (asset.isPresent()) {
          send(x, 200, asset.get().contentType(), asset.get().bytes());
          return;
        }
      }
      if (x.getRequestMethod().equals("GET") && path.equals("/subscribe/all") && !routes.containsKey("GET /subscribe/all")) {
        sse(x, query);
        return;
      }
      Responder r = routes.get(x.getRequestMethod() + " " + path);
      Reply reply = r == null ? Reply.error(404, "not_found", "no stub route for " + path) : r.reply(call);
      send(x, reply.status(), "application/json", reply.body().getBytes(StandardCharsets.UTF_8));
    }
  }

  private void sse(HttpExchange x, Map<String, String> query) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    String from = query.getOrDefault("from", "end");
    int next;
    synchronized (this) {
      next = from.equals("end") ? feed.size() : Integer.parseInt(from) - 1;
    }
    out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    int mine = generation;
    while (!closed && generation == mine) {
      Map<String, Object> e = null;
      synchronized (this) {
        if (next < feed.size()) {
          e = feed.get(next);
        } else {
          try {
            wait(200);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      // A comment as heartbeat finds a closed connection; an event goes out with its position as id.
      String chunk = e == null ? ": hb\n\n" : "id: " + e.get("position") + "\ndata: " + write(e) + "\n\n";
      out.write(chunk.getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (e != null) {
        next++;
      }
    }
  }

  private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      x.getResponseBody().write(body);
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      notifyAll();
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A new list holding {@code items}, for building JSON bodies. */
  @SafeVarargs
  public static <T> List<T> list(T... items) {
    return new ArrayList<>(List.of(items));
  }
}
