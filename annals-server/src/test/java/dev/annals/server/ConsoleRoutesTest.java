package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import org.junit.jupiter.api.Test;

class ConsoleRoutesTest {

  @Test
  void root_serves_the_console_page_and_its_files_under_console() throws Exception {
    try (TestServer t = new TestServer()) {
      var index = t.get("/");
      var app = t.get("/console/app.js");

      assertThat(index.status()).isEqualTo(200);
      assertThat(index.raw().headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(index.body()).contains("<title>Annals console</title>");
      assertThat(app.status()).isEqualTo(200);
      assertThat(app.raw().headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    }
  }

  @Test
  void unknown_or_climbing_console_paths_are_not_found_as_json() throws Exception {
    try (TestServer t = new TestServer()) {
      assertThat(t.get("/console/nope.js").error()).isEqualTo("not_found");
      assertThat(t.get("/console/%2E%2E").error()).isEqualTo("not_found");
      assertThat(t.get("/console/assets.list").error()).isEqualTo("not_found");
    }
  }

  @Test
  void the_console_loads_without_a_key_when_auth_is_on_but_the_api_still_needs_one() throws Exception {
    ApiKeys keys = ApiKeys.parse(ApiKeys.line("reader-key", Role.READER, "*", "dash"), "auth");
    try (TestServer t = new TestServer(ServerConfig.defaults().withPort(0).withApiKeys(keys))) {
      assertThat(t.get("/").status()).isEqualTo(200);
      assertThat(t.get("/console/styles.css").status()).isEqualTo(200);
      assertThat(t.get("/all").status()).isEqualTo(401);
      assertThat(t.get("/all", "reader-key").status()).isEqualTo(200);
    }
  }
}
