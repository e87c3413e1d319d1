package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Plain JSON over HTTP to the cluster demo's servers; a server that does not answer gives status -1. */
final class DemoHttp implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode json) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  Reply get(URI node, String path) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).GET());
  }

  /** A command, with its id: the server recognises a repeated command id and answers it once. */
  Reply command(URI node, String path, String body, UUID commandId) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).header("Content-Type", "application/json")
        .header("Annals-Command-Id", commandId.toString()).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST of a JSON body without a command id. */
  Reply post(URI node, String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST with no body (rebuild, promote). */
  Reply post(URI node, String path) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    } catch (IOException e) {
      return new Reply(-1, JSON.nullNode());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, JSON.nullNode());
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
