package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused before its body is read (401, 403, 404, 405) must leave the connection usable or
 * say it is closing: a keep-alive client that sends its next POST on the same connection must never
 * see a reset (the JDK client does not retry a POST).
 */
class UnreadBodyTest {

  static final String KEY = "k-writer-0123456789abcdef";
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0)
        .withApiKeys(ApiKeys.parse(ApiKeys.line(KEY, Role.WRITER, "account-", "w"), "test")));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @Test
  void refused_posts_never_break_the_next_request_on_the_connection() {
    String body = "{\"events\":[{\"type\":\"T\",\"data\":{\"pad\":\"" + "x".repeat(2000) + "\"}}]}";
    long before = t.store.headPosition();
    int appended = 0;
    for (int i = 0; i < 1500; i++) {
      switch (i % 5) {
        case 0 -> assertThat(t.send("POST", "/streams/account-" + i, Optional.of(body), Optional.empty()).status())
            .isEqualTo(401);
        case 1 -> assertThat(t.send("POST", "/streams/order-" + i, Optional.of(body), Optional.of(KEY)).status())
            .isEqualTo(403);
        case 2 -> assertThat(t.send("POST", "/no-such-route", Optional.of(body), Optional.of(KEY)).status())
            .isEqualTo(404);
        case 3 -> assertThat(t.send("PUT", "/streams/account-1", Optional.of(body), Optional.of(KEY)).status())
            .isEqualTo(405);
        default -> {
          assertThat(t.send("POST", "/streams/account-" + i, Optional.of(body), Optional.of(KEY)).status())
              .isEqualTo(200);
          appended++;
        }
      }
    }
    assertThat(t.store.headPosition()).isEqualTo(before + appended);
  }
}
