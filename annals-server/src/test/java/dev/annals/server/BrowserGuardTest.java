package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a web page could make a browser on the machine send: cross-origin writes and requests through
 * a rebound name are refused (403), programs and the same-origin console are not; a body that says it
 * is not JSON is a 400. Through a live server over raw sockets (the JDK client may not set Host).
 */
class BrowserGuardTest {

  private static final String APPEND = "{\"events\":[{\"type\":\"T\",\"data\":1}]}";

  @Test
  void a_cross_origin_write_is_refused_and_writes_nothing_while_programs_and_the_console_write() throws Exception {
    try (TestServer t = new TestServer()) {
      String self = "localhost:" + t.server.port();
      String evil = post(t, self, "Origin: http://evil.example\r\n", "application/json");
      assertThat(evil).startsWith("HTTP/1.1 403").contains("\"error\":\"forbidden\"")
          .contains("cross-origin request refused: a web page from http://evil.example may not send POST");
      String crossSite = post(t, self, "Sec-Fetch-Site: cross-site\r\nOrigin: http://evil.example\r\n", "text/plain");
      assertThat(crossSite).startsWith("HTTP/1.1 403").contains("Sec-Fetch-Site: cross-site");
      // same site but another origin (another port on this machine) is still another origin
      String sameSite = post(t, self, "Sec-Fetch-Site: same-site\r\n", "application/json");
      assertThat(sameSite).startsWith("HTTP/1.1 403");
      String nullOrigin = post(t, self, "Origin: null\r\n", "application/json");
      assertThat(nullOrigin).startsWith("HTTP/1.1 403");
      // a browser without Sec-Fetch-Site: another port, or another scheme, is another origin
      String otherPort = post(t, self, "Origin: http://localhost:" + (t.server.port() + 1) + "\r\n", "application/json");
      assertThat(otherPort).startsWith("HTTP/1.1 403").contains("its Origin is not");
      String otherScheme = post(t, self, "Origin: https://" + self + "\r\n", "application/json");
      assertThat(otherScheme).startsWith("HTTP/1.1 403");
      assertThat(count(t)).isZero();

      // no Origin (curl, the Java client), the console's own origin, a browser saying same-origin
      assertThat(post(t, self, "", "application/json")).startsWith("HTTP/1.1 200");
      assertThat(post(t, self, "Origin: http://" + self + "\r\n", "application/json")).startsWith("HTTP/1.1 200");
      assertThat(post(t, self, "Sec-Fetch-Site: same-origin\r\nOrigin: http://" + self + "\r\n", "application/json"))
          .startsWith("HTTP/1.1 200");
      assertThat(count(t)).isEqualTo(3);

      // a cross-origin read is answered: the browser keeps the answer from the page (no CORS headers)
      assertThat(raw(t, "GET /streams/s HTTP/1.1\r\nHost: " + self + "\r\nOrigin: http://evil.example\r\n"
          + "Sec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    }
  }

  @Test
  void without_an_auth_file_only_loopback_names_are_answered() throws Exception {
    try (TestServer t = new TestServer()) {
      int port = t.server.port();
      for (String host : new String[] {"evil.example:" + port, "evil.example", "10.0.0.1:" + port, "127.0.0.1.evil.example",
          "0x7f.0.0.1", "localhost.evil.example:" + port}) {
        assertThat(raw(t, "GET /all HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).as(host)
            .startsWith("HTTP/1.1 403").contains("answers only requests addressed to a loopback name");
        assertThat(post(t, host, "", "application/json")).as(host).startsWith("HTTP/1.1 403");
      }
      // HTTP/1.0 with an absolute-form target and no Host: the target's authority is what it addressed
      assertThat(raw(t, "GET http://evil.example:" + port + "/all HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 403");
      assertThat(raw(t, "GET http://127.0.0.1:" + port + "/all HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
      assertThat(raw(t, "GET /all HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
      assertThat(count(t)).isZero();
      for (String host : new String[] {"localhost:" + port, "LOCALHOST", "127.0.0.1:" + port, "127.1.2.3", "[::1]:" + port,
          "console.localhost:" + port, "localhost."}) {
        assertThat(raw(t, "GET /all HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).as(host)
            .startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  void with_an_auth_file_or_insecure_any_name_is_answered_but_cross_origin_writes_are_still_refused() throws Exception {
    ServerConfig keyed = ServerConfig.defaults().withPort(0)
        .withApiKeys(ApiKeys.parse(ApiKeys.line("k-123456789012345678901234", Role.ADMIN, "*", "a"), "test"));
    try (TestServer t = new TestServer(keyed)) {
      String auth = "Authorization: Bearer k-123456789012345678901234\r\n";
      assertThat(raw(t, "GET /all HTTP/1.1\r\nHost: annals.example.com\r\n" + auth + "Connection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      assertThat(post(t, "annals.example.com", auth, "application/json")).startsWith("HTTP/1.1 200");
      assertThat(post(t, "annals.example.com", auth + "Origin: http://evil.example\r\n", "application/json"))
          .startsWith("HTTP/1.1 403").contains("cross-origin");
      assertThat(count(t)).isEqualTo(1);
    }
    try (TestServer t = new TestServer(ServerConfig.defaults().withPort(0).withInsecure(true))) {
      assertThat(raw(t, "GET /all HTTP/1.1\r\nHost: annals.example.com\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void a_body_whose_content_type_is_not_json_is_invalid_request_and_writes_nothing() throws Exception {
    try (TestServer t = new TestServer()) {
      String self = "localhost:" + t.server.port();
      for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain;charset=UTF-8", "text/json",
          "application/json; charset=iso-8859-1", "application/jsonx"}) {
        assertThat(post(t, self, "", type)).as(type).startsWith("HTTP/1.1 400")
            .containsIgnoringCase("send Content-Type: application/json (or no Content-Type), not '" + type + "'");
      }
      assertThat(count(t)).isZero();
      for (String type : new String[] {"application/json", "Application/JSON; charset=\"utf-8\"", "application/vnd.x+json"}) {
        assertThat(post(t, self, "", type)).as(type).startsWith("HTTP/1.1 200");
      }
      assertThat(post(t, self, "", null)).startsWith("HTTP/1.1 200"); // no Content-Type: the JDK client's way
      assertThat(post(t, self, "", "")).startsWith("HTTP/1.1 200"); // an empty one is none
      assertThat(count(t)).isEqualTo(5);
      // a route without a body does not look at the type, and says it takes no body when sent one
      assertThat(raw(t, "POST /admin/verify HTTP/1.1\r\nHost: " + self + "\r\nContent-Type: text/plain\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
      assertThat(raw(t, "POST /admin/verify HTTP/1.1\r\nHost: " + self + "\r\nContent-Type: text/plain\r\n"
          + "Content-Length: 2\r\nConnection: close\r\n\r\nhi")).startsWith("HTTP/1.1 400")
          .contains("this route takes no request body");
    }
  }

  @Test
  void no_page_may_frame_the_console_or_any_answer() throws Exception {
    try (TestServer t = new TestServer()) {
      String self = "localhost:" + t.server.port();
      for (String path : new String[] {"/", "/all", "/no-such-route"}) {
        String reply = raw(t, "GET " + path + " HTTP/1.1\r\nHost: " + self + "\r\nConnection: close\r\n\r\n");
        assertThat(reply).as(path).containsIgnoringCase("X-Frame-Options: DENY")
            .containsIgnoringCase("Content-Security-Policy: frame-ancestors 'none'");
      }
    }
  }

  /** POST /streams/s with one event, the given Host, extra header lines and Content-Type (null: none). */
  private static String post(TestServer t, String host, String headers, String contentType) throws Exception {
    return raw(t, "POST /streams/s HTTP/1.1\r\nHost: " + host + "\r\n" + headers
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: " + APPEND.length() + "\r\nConnection: close\r\n\r\n" + APPEND);
  }

  private static String raw(TestServer t, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int count(TestServer t) {
    return t.store.readAll(1, Direction.FORWARD, 1000, Filter.everything()).events().size();
  }
}
