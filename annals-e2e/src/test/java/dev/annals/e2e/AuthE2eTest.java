package dev.annals.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.Browser;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console against a real server with an auth file: it loads without a key, shows 401s, works with one. */
class AuthE2eTest {

  private Browser browser;
  private DemoServer demo;

  @BeforeEach
  void start() throws Exception {
    Browser.assumeChromium(); // per test, so that without Chromium the test is reported skipped
    browser = Browser.start();
    demo = new DemoServer(Optional.of(ApiKeys.parse(ApiKeys.line("admin-key-1", Role.ADMIN, "*", "ops"), "auth")));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void without_a_key_the_servers_401_is_shown_and_with_one_the_stream_loads() {
    browser.open(demo.url() + "/#/stream/account-1");

    String error = browser.awaitText("#events-list .error", "unauthorized");
    assertThat(error).contains("HTTP 401", "an API key is required");
    browser.screenshot("e2e-auth-401");

    browser.find("#api-key").sendKeys("admin-key-1");
    browser.find("#key-form button[type=submit]").click();

    browser.awaitText("#stream-summary", "5 events");
    assertThat(browser.findAll("#events-list article.event")).hasSize(5);

    // The live tail sends the key in the Authorization header too (no key in the URL).
    browser.open(demo.url() + "/#/tail");
    browser.find("#tail-start").click();
    browser.awaitText("#tail-status", "live");
    demo.append("account-9", "Deposited", "{\"amount\":3}");
    browser.awaitText("#tail-count", "1");
    assertThat(browser.find("#tail-rows tr").getText()).contains("account-9");

    browser.open(demo.url() + "/#/integrity");
    browser.find("#verify-run").click();
    assertThat(browser.awaitText("#verify-verdict", "verified")).contains("no problem found");
  }
}
