package dev.annals.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A test SSE reader: collects ids, data lines, named events and comments on its own virtual thread. */
public final class SseClient implements AutoCloseable {

  public record Message(Optional<String> event, Optional<Long> id, String data) {}

  public final List<Message> messages = Collections.synchronizedList(new ArrayList<>());
  public final List<String> comments = Collections.synchronizedList(new ArrayList<>());
  public final int status;
  private final InputStream body;
  private final Thread reader;
  public volatile boolean ended;

  public SseClient(HttpClient http, URI uri, Optional<String> lastEventId, Optional<String> key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", id));
    key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    status = r.statusCode();
    body = r.body();
    reader = Thread.ofVirtual().start(this::read);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = null;
      Long id = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty() || event != null) {
            messages.add(new Message(Optional.ofNullable(event), Optional.ofNullable(id), data.toString()));
          }
          event = null;
          id = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (Exception e) {
      // closed
    } finally {
      ended = true;
    }
  }

  /** The ids of the event messages (unnamed ones), in arrival order. */
  public List<Long> ids() {
    synchronized (messages) {
      return messages.stream().filter(m -> m.event().isEmpty()).map(m -> m.id().orElseThrow()).toList();
    }
  }

  public List<Message> named(String event) {
    synchronized (messages) {
      return messages.stream().filter(m -> m.event().equals(Optional.of(event))).toList();
    }
  }

  public void awaitIds(int n, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (ids().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("got " + ids().size() + " of " + n + " events");
      }
      Thread.sleep(5);
    }
  }

  public void awaitEnd(Duration patience) throws InterruptedException {
    reader.join(patience);
  }

  @Override
  public void close() throws Exception {
    body.close();
    reader.join(Duration.ofSeconds(5));
  }
}
