package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HEAD on a GET route answers as GET would, headers only; the event streams (SSE) refuse it, since a
 * HEAD would hold a subscription open that sends nothing.
 */
class HeadRequestTest {

  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0));
    assertThat(t.send("POST", "/streams/h-1", Optional.of(TestServer.append("\"any\"", TestServer.events("Opened", "{\"n\":1}"))), Optional.empty())
        .status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @ParameterizedTest(name = "HEAD {0}")
  @ValueSource(strings = {"/streams/h-1", "/all?limit=5", "/head", "/streams", "/health", "/metrics", "/",
      "/streams/h-1?limit=x"})
  void head_answers_with_the_status_and_headers_of_get_and_no_body(String path) throws Exception {
    try (Socket s = new Socket(t.server.uri().getHost(), t.server.uri().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      // HEAD, then GET on the same connection: the GET's status line must follow the HEAD's headers at once
      out.write(("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\nGET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String both = new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
      int second = both.indexOf("HTTP/1.1 ", 1);
      assertThat(second).as("two responses in %s", both).isPositive();
      String head = both.substring(0, second);
      String get = both.substring(second);
      assertThat(head).endsWith("\r\n\r\n"); // headers only
      assertThat(statusOf(head)).isEqualTo(statusOf(get));
      assertThat(header(head, "Content-Type")).isEqualTo(header(get, "Content-Type"));
      if (header(get, "Content-Length") != null) {
        assertThat(header(head, "Content-Length")).isEqualTo(header(get, "Content-Length"));
      }
    }
  }

  @ParameterizedTest(name = "HEAD {0}")
  @ValueSource(strings = {"/subscribe/all", "/subscribe/streams/h-1"})
  void the_event_streams_refuse_head(String path) throws Exception {
    TestServer.Reply r = t.send("HEAD", path, Optional.empty(), Optional.empty());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.raw().headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void allow_lists_head_where_get_is_allowed() throws Exception {
    TestServer.Reply r = t.send("DELETE", "/streams/h-1", Optional.empty(), Optional.empty());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.raw().headers().firstValue("Allow")).contains("POST, GET, HEAD");
    TestServer.Reply post = t.send("HEAD", "/admin/verify", Optional.empty(), Optional.empty());
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.raw().headers().firstValue("Allow")).contains("POST");
  }

  private static byte[] readAll(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }

  private static int statusOf(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  private static String header(String response, String name) {
    Matcher m = Pattern.compile("(?im)^" + name + ": *(.*?)\r$").matcher(response.substring(0, response.indexOf("\r\n\r\n")));
    return m.find() ? m.group(1) : null;
  }
}
