package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.client.HttpEventStore;
import dev.annals.core.Filter;
import dev.annals.core.Subscription;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code annals serve --store URL} in a child JVM over a PostgreSQL of this test's own (it is stopped
 * and started again here, so it is not the run's shared one): HTTP appends and reads go to the
 * database; when PostgreSQL stops, {@code /health} says why and appends and reads answer 503
 * {@code unavailable}; when it is back, the same server process appends again, and an SSE subscriber
 * from before the outage receives what was appended after it.
 */
class ServePostgresTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, JsonNode json) {}

  @Test
  void serve_store_appends_and_reads_then_answers_503_while_postgresql_is_down_and_recovers_without_restart()
      throws Exception {
    try (LocalPostgres postgres = TestPostgres.startOwn();
        ServedProcess served = new ServedProcess("--store", postgres.url(postgres.createDatabase()).toString())) {
      URI uri = served.awaitUri();
      assertThat(served.lines).anySatisfy(l -> assertThat(l)
          .startsWith("annals: serving the PostgreSQL database postgresql://annals@127.0.0.1:" + postgres.port() + "/")
          .contains("(0 events)"));

      Reply opened = post(uri, "/streams/account-1", "{\"expectedVersion\":\"no_stream\",\"events\":[{\"type\":\"Opened\",\"data\":{\"owner\":\"ada\"}}]}");
      assertThat(opened.status()).as(opened.json().toString()).isEqualTo(200);
      assertThat(opened.json().get("lastPosition").asLong()).isEqualTo(1);
      Reply read = get(uri, "/streams/account-1");
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().get("events").get(0).get("data").get("owner").asText()).isEqualTo("ada");
      Reply health = get(uri, "/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("engine").asText()).isEqualTo("postgresql");
      assertThat(health.json().get("head").asLong()).isEqualTo(1);
      // a subscriber of the server's SSE feed, there before the outage and after it
      List<Long> seen = new CopyOnWriteArrayList<>();
      HttpEventStore client = new HttpEventStore(uri);
      Subscription feed = client.subscribeToAll(1, Filter.all(), e -> seen.add(e.position()));
      awaitSeen(seen, List.of(1L));

      postgres.stop(LocalPostgres.StopMode.IMMEDIATE);
      Reply down = get(uri, "/health");
      assertThat(down.status()).as(down.json().toString()).isEqualTo(503);
      assertThat(down.json().get("error").asText()).isEqualTo("unavailable");
      assertThat(down.json().get("engine").asText()).isEqualTo("postgresql");
      assertThat(down.json().get("message").asText()).startsWith("the store cannot be read: ").contains("PostgreSQL");
      Reply refused = post(uri, "/streams/account-1", "{\"expectedVersion\":1,\"events\":[{\"type\":\"Deposited\",\"data\":{\"amount\":5}}]}");
      assertThat(refused.status()).as(refused.json().toString()).isEqualTo(503);
      assertThat(refused.json().get("error").asText()).isEqualTo("unavailable");
      Reply unread = get(uri, "/streams/account-1");
      assertThat(unread.status()).as(unread.json().toString()).isEqualTo(503);
      assertThat(unread.json().get("error").asText()).isEqualTo("unavailable");
      assertThat(get(uri, "/all").status()).isEqualTo(503);

      postgres.restart();
      Reply again = awaitAppend(uri, "{\"expectedVersion\":1,\"events\":[{\"type\":\"Deposited\",\"data\":{\"amount\":5}}]}");
      assertThat(again.json().get("lastVersion").asLong()).isEqualTo(2);
      assertThat(again.json().get("lastPosition").asLong()).isEqualTo(2);
      assertThat(get(uri, "/streams/account-1").json().get("events")).hasSize(2);
      Reply healthy = get(uri, "/health");
      assertThat(healthy.status()).isEqualTo(200);
      assertThat(healthy.json().get("head").asLong()).isEqualTo(2);
      assertThat(served.process.isAlive()).as("the same server process").isTrue();
      Reply verified = send(HttpRequest.newBuilder(URI.create(uri + "/admin/verify"))
          .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(verified.status()).as(verified.json().toString()).isEqualTo(200);
      assertThat(verified.json().get("ok").asBoolean()).isTrue();
      assertThat(verified.json().get("events").asLong()).isEqualTo(2);
      assertThat(verified.json().get("headHash").asText()).matches("[0-9a-f]{64}").isNotEqualTo("0".repeat(64));
      awaitSeen(seen, List.of(1L, 2L)); // the feed went on: the event appended after the outage, once
      feed.close();
      client.close();
    }
  }

  private static void awaitSeen(List<Long> seen, List<Long> expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!seen.equals(expected) && seen.size() <= expected.size() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(seen).isEqualTo(expected);
  }

  /** The append, retried while the store reconnects (503), until it is answered otherwise or 60 s pass. */
  private Reply awaitAppend(URI uri, String body) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Reply r;
    do {
      r = post(uri, "/streams/account-1", body);
      if (r.status() != 503) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
    return r;
  }

  private Reply get(URI uri, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri + path)).GET());
  }

  private Reply post(URI uri, String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), EventJson.MAPPER.readTree(r.body()));
  }
}
