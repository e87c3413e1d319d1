package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code n} {@code annals serve --store URL --module bank --node-name nI} processes on one PostgreSQL store,
 * and plain HTTP to them (an unreachable node answers status -1). Closing stops every process still running.
 */
final class ClusterNodes implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode json) {}

  final List<ServedProcess> processes = new ArrayList<>();
  final List<URI> uris = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ClusterNodes(String storeUrl, int n) throws Exception {
    try {
      for (int i = 1; i <= n; i++) {
        processes.add(new ServedProcess("--store", storeUrl, "--module", "bank", "--node-name", "n" + i));
      }
      for (ServedProcess p : processes) {
        uris.add(p.awaitUri());
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  Reply post(URI node, String path, String body, UUID commandId) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).header("Content-Type", "application/json")
        .header("Annals-Command-Id", commandId.toString()).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply post(URI node, String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply get(URI node, String path) {
    return send(HttpRequest.newBuilder(URI.create(node + path)).GET());
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
  public void close() throws InterruptedException {
    http.close();
    for (ServedProcess p : processes) {
      p.close();
    }
  }
}
