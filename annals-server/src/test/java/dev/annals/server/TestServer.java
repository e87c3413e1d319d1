package dev.annals.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.annals.core.EventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import dev.annals.server.verify.ScanVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** An in-process server over an in-memory store on a random loopback port, with a small HTTP helper. */
public final class TestServer implements AutoCloseable {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  public final EventStore store;
  public final AnnalsServer server;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public TestServer() throws Exception {
    this(ServerConfig.defaults().withPort(0));
  }

  public TestServer(ServerConfig config) throws Exception {
    this(config, java.util.List.of());
  }

  /** A server hosting {@code modules} (projections in a temporary directory). */
  public TestServer(ServerConfig config, java.util.List<dev.annals.module.ServerModule> modules) throws Exception {
    this(config, modules, Clock.systemUTC());
  }

  /** A server over a store that stamps {@code recordedAt} from {@code clock} (tests that need time to move by hand). */
  public TestServer(Clock clock) throws Exception {
    this(ServerConfig.defaults().withPort(0), java.util.List.of(), clock);
  }

  public TestServer(ServerConfig config, java.util.List<dev.annals.module.ServerModule> modules, Clock clock)
      throws Exception {
    this(new InMemoryEventStore(clock, Limits.defaults(), InMemoryEventStore.DEFAULT_IDEMPOTENCY_WINDOW), config, modules);
  }

  /** A server over {@code store} (a decorated one: faults, outages); closes it with the server. */
  public TestServer(EventStore store, ServerConfig config, java.util.List<dev.annals.module.ServerModule> modules)
      throws Exception {
    this.store = store;
    this.server = new AnnalsServer(store, config, new ScanVerifier(store, true), modules).start();
  }

  /** A server the caller built over {@code store}, started here; closes both with the server. */
  public TestServer(EventStore store, AnnalsServer server) throws Exception {
    this.store = store;
    this.server = server.start();
  }

  /** A response: status, raw body, and the body as JSON when it is JSON. */
  public record Reply(int status, String body, HttpResponse<byte[]> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText();
    }

    @Override
    public String toString() {
      return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  public URI uri(String pathAndQuery) {
    return URI.create(server.uri() + pathAndQuery);
  }

  public Reply get(String path) {
    return send("GET", path, Optional.empty(), Optional.empty());
  }

  public Reply get(String path, String key) {
    return send("GET", path, Optional.empty(), Optional.of(key));
  }

  public Reply post(String path, String body) {
    return send("POST", path, Optional.of(body), Optional.empty());
  }

  public Reply post(String path, String body, String key) {
    return send("POST", path, Optional.of(body), Optional.of(key));
  }

  public Reply send(String method, String path, Optional<String> body, Optional<String> key) {
    return sendBytes(method, path, body.map(b -> b.getBytes(StandardCharsets.UTF_8)), key);
  }

  Reply sendBytes(String method, String path, Optional<byte[]> body, Optional<String> key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .method(method, body.map(HttpRequest.BodyPublishers::ofByteArray).orElse(HttpRequest.BodyPublishers.noBody()));
    body.ifPresent(x -> b.header("Content-Type", "application/json"));
    key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String events(String... typesAndData) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < typesAndData.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"type\":\"").append(typesAndData[i]).append("\",\"data\":").append(typesAndData[i + 1]).append('}');
    }
    return sb.append(']').toString();
  }

  static String append(String expected, String eventsJson) {
    return "{\"expectedVersion\":" + expected + ",\"events\":" + eventsJson + "}";
  }

  @Override
  public void close() throws Exception {
    http.close();
    server.stop();
    store.close();
  }
}
