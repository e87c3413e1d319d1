package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A header the server reads, given twice, is a 400: which copy would count is a guess. Nothing is written. */
class RepeatedHeaderTest {

  static final String KEY = "k-admin-0123456789abcdef";
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0)
        .withApiKeys(ApiKeys.parse(ApiKeys.line(KEY, Role.ADMIN, "*", "a"), "test")), List.of(new LedgerModule()));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @ParameterizedTest(name = "{0} twice on {1}")
  @CsvSource(delimiter = '|', value = {
      "Authorization|/streams/ledger-9|Bearer " + KEY + "|Bearer nope",
      "Authorization|/streams/ledger-9|Bearer nope|Bearer " + KEY,
      "Annals-Command-Id|/commands/ledger/credit|6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11|7f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11",
      "Annals-Actor|/commands/ledger/credit|ann|bob",
      "Last-Event-ID|/subscribe/all|1|2"})
  void a_header_given_twice_is_invalid_request(String header, String path, String first, String second) throws Exception {
    long head = t.store.headPosition();
    HttpRequest.Builder b = HttpRequest.newBuilder(t.uri(path)).timeout(Duration.ofSeconds(30));
    if (path.startsWith("/subscribe")) {
      b.GET();
    } else {
      String body = path.startsWith("/commands") ? "{\"ledgerId\":\"9\",\"amount\":5}" : "{\"events\":[{\"type\":\"T\",\"data\":1}]}";
      b.POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    }
    if (!header.equals("Authorization")) {
      b.header("Authorization", "Bearer " + KEY);
    }
    b.header(header, first).header(header, second);
    HttpResponse<java.io.InputStream> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (var in = r.body()) {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"error\":\"invalid_request\"").contains("header " + header + " is given 2 times");
    }
    assertThat(t.store.headPosition()).isEqualTo(head);
  }
}
