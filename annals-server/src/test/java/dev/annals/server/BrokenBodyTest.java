package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request body that cannot be read because of the client (bad chunked encoding, fewer bytes than
 * its Content-Length, a client that stops sending) is a client mistake: a JSON 4xx, never a 5xx, and
 * nothing written.
 */
class BrokenBodyTest {

  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0).withIdleTimeout(Duration.ofSeconds(1)), List.of(new LedgerModule()));
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/streams/raw-1", "/admin/import", "/commands/ledger/credit"})
  void a_bad_chunk_size_line_is_a_400(String path) throws Exception {
    String reply = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nZZ\r\n", false);
    assertClientError(reply, 400, "request body");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/streams/raw-1", "/admin/import"})
  void a_body_shorter_than_its_content_length_that_the_client_ends_is_a_400(String path) throws Exception {
    String reply = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"events\":", true);
    assertClientError(reply, 400, "ended early");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/streams/raw-1", "/admin/import"})
  void a_body_that_stops_arriving_is_a_408_after_the_idle_timeout(String path) throws Exception {
    String reply = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{}", false);
    assertClientError(reply, 408, "did not arrive");
  }

  private void assertClientError(String reply, int status, String says) throws Exception {
    assertThat(reply).as(reply).startsWith("HTTP/1.1 " + status + " ");
    String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
    JsonNode json = TestServer.MAPPER.readTree(body);
    assertThat(json.path("error").asText()).as(body).isEqualTo("invalid_request");
    assertThat(json.path("message").asText()).as(body).contains(says);
    assertThat(t.store.headPosition()).isZero();
    // the server counts a request after its response is sent: the count may trail the reply a little
    String counted = "status=\"" + status / 100 + "xx\"";
    long deadline = System.nanoTime() + 5_000_000_000L;
    TestServer.Reply metrics = t.get("/metrics");
    while (!metrics.body().contains(counted) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      metrics = t.get("/metrics");
    }
    assertThat(metrics.body()).contains(counted).doesNotContain("status=\"5xx\"");
  }

  /** Sends {@code request}, optionally half-closing (the client stops sending), and reads the reply to the end. */
  private String raw(String request, boolean halfClose) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (halfClose) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
