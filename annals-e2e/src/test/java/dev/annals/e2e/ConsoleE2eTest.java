package dev.annals.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.Browser;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's main paths in headless Chromium against a real in-process server (annals-server over
 * an in-memory store with the history of {@link DemoServer}). Screenshots of each page go to
 * target/console-screenshots/.
 */
class ConsoleE2eTest {

  private static Browser browser;
  private DemoServer demo;

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    // Checked per test (not in @BeforeAll) so that, without Chromium, every test is reported skipped.
    Browser.assumeChromium();
    if (browser == null) {
      browser = Browser.start();
    }
    demo = new DemoServer(Optional.empty());
  }

  @AfterEach
  void stopServer() throws Exception {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).as("JavaScript errors on the page").isEmpty();
      browser.open("about:blank");
    }
    if (demo != null) {
      demo.close();
    }
  }

  private void open(String hash) {
    browser.open(demo.url() + "/" + hash);
  }

  @Test
  void a_stream_opens_from_the_streams_page_with_its_events_and_their_data_and_metadata() {
    open("#/streams");
    browser.find("#stream-open-name").sendKeys("account-1");
    browser.find("#stream-open button").click();

    browser.awaitText("#stream-summary", "5 events");
    browser.await("#events-list article.event[data-version='5']");
    assertThat(browser.findAll("#events-list article.event")).hasSize(5);
    String correction = browser.find("article.event[data-version='5']").getText();
    assertThat(correction).contains("DepositCorrected", "\"amount\": 10", "bob", "revokes", demo.deposit100.toString(), "effective");
    assertThat(browser.find(".health").getText()).isEqualTo("server up");
    browser.screenshot("e2e-stream");

    new org.openqa.selenium.support.ui.Select(browser.find("#events-direction")).selectByValue("backward");
    browser.until(d -> "5".equals(browser.find("#events-list article.event").getAttribute("data-version")) ? true : null);
    assertThat(browser.findAll("#events-list article.event")).hasSize(5);
  }

  @Test
  void a_stream_that_does_not_exist_says_so() {
    open("#/stream/account-404");

    assertThat(browser.awaitText("#stream-summary", "no stream")).contains("There is no stream named \"account-404\"");
    assertThat(browser.find("#time-travel .error").getText()).contains("not_found", "HTTP 404");
    assertThat(browser.find("#events-list .error").getText()).contains("not_found");
  }

  @Test
  void moving_the_time_sliders_changes_what_the_stream_shows_as_known_and_as_valid() {
    open("#/stream/account-1");
    browser.until(d -> browser.findAll("#view-known .mini-events li").size() == 5 ? true : null);

    // Now (T = the correction's recording): the revoked deposit is known but not valid.
    assertThat(browser.findAll("#view-valid .mini-events li")).hasSize(4);
    assertThat(browser.find("#differences").getText()).contains("v2", "revoked by v5", "revokes v2", "backdated");
    assertThat(browser.find("article.event[data-version='2']").getAttribute("class")).contains("differs");
    // The server has no fold for 'account': said plainly, with the server's own answer.
    assertThat(browser.find("#state-known").getText()).contains("No state fold", "not_found");
    browser.screenshot("e2e-stream-time-travel-now");

    // T back 30 minutes in: the correction was not yet recorded; both views agree.
    browser.slide("#t-slider", 3);
    browser.until(d -> browser.findAll("#view-known .mini-events li").size() == 4 ? true : null);
    browser.until(d -> browser.find("#differences").getText().contains("both views agree") ? true : null);
    assertThat(browser.findAll("#view-valid .mini-events li")).hasSize(4);
    assertThat(browser.find("#after-t").getText()).contains("1 event recorded after T", "v5 DepositCorrected");
    assertThat(browser.find("article.event[data-version='5']").getAttribute("class")).contains("after-t");

    // V back to the first deposit's time: the later deposit and the withdrawal were not yet in effect.
    browser.slide("#v-slider", 1);
    browser.until(d -> browser.findAll("#view-valid .mini-events li").size() == 2 ? true : null);
    assertThat(browser.find("#differences").getText()).contains("v3", "v4", "after V");
    browser.screenshot("e2e-stream-time-travel-past");
  }

  @Test
  void new_events_appear_in_the_live_tail_filtered_and_none_are_lost_across_a_pause() {
    open("#/tail");
    browser.find("#tail-types").sendKeys("Deposited");
    browser.find("#tail-start").click();
    browser.awaitText("#tail-status", "live");

    demo.append("account-2", "Withdrawn", "{\"amount\":1}"); // filtered out
    demo.append("account-2", "Deposited", "{\"amount\":7}");
    browser.awaitText("#tail-count", "1");
    assertThat(browser.find("#tail-rows tr").getText()).contains("account-2", "Deposited");

    browser.find("#tail-pause").click();
    browser.awaitText("#tail-status", "paused");
    demo.append("account-2", "Deposited", "{\"amount\":8}");
    demo.append("account-1", "Deposited", "{\"amount\":9}");
    browser.find("#tail-pause").click();

    browser.awaitText("#tail-count", "3");
    assertThat(browser.findAll("#tail-rows tr")).hasSize(3);
    assertThat(browser.find("#tail-rows tr").getText()).contains("account-1");
    browser.screenshot("e2e-tail");
  }

  @Test
  void verify_runs_and_shows_the_result_and_head_hash() {
    open("#/integrity");
    browser.find("#verify-run").click();

    assertThat(browser.awaitText("#verify-verdict", "verified")).contains("no problem found");
    assertThat(browser.find("#verify-events").getText()).isEqualTo("10");
    // The in-memory store behind this server keeps no hash chain, so the server sends no headHash.
    assertThat(browser.find("#verify-head-hash").getText()).isEqualTo("(none: this store keeps no hash chain)");
    browser.screenshot("e2e-integrity");
  }

  @Test
  void the_audit_pages_examples_are_the_logs_own_time_span_actor_and_correlation() {
    DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    open("#/audit");

    browser.awaitText("#audit-span", "The log holds");
    assertThat(browser.find("#audit-from").getAttribute("placeholder")).isEqualTo(minutes.format(demo.base));
    assertThat(browser.find("#audit-to").getAttribute("placeholder")).isEqualTo(minutes.format(demo.base.plus(Duration.ofMinutes(60))));
    assertThat(browser.find("#audit-actor").getAttribute("placeholder")).isEqualTo("e.g. bob");
    assertThat(browser.find("#audit-correlation").getAttribute("placeholder")).isEqualTo("e.g. corr-fix-1");
    assertThat(browser.find("#audit-span").getText()).contains("positions 1 to 10");
  }

  @Test
  void audit_finds_an_actors_events_in_a_time_range_and_draws_the_correlations_causation_tree() {
    DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    open("#/audit");
    browser.find("#audit-actor").sendKeys("alice");
    browser.find("#audit-from").sendKeys(minutes.format(demo.base.plus(Duration.ofMinutes(35))));
    browser.find("#audit-to").sendKeys(minutes.format(demo.base.plus(Duration.ofMinutes(50))));
    browser.find("#audit-form button[type=submit]").click();

    browser.await("#audit-table");
    assertThat(browser.findAll("#audit-table tbody tr")).hasSize(1);
    assertThat(browser.find("#audit-table tbody tr").getText()).contains("alice", "order-1", "OrderPlaced", "corr-order-1");

    browser.find("#audit-table .tree-link").click();
    browser.await("#causation-tree");
    String chain = "#causation-tree > li.virtual[data-cause='cmd-order-1'] > ul > li[data-id='" + demo.orderPlaced + "']"
        + " > ul > li > ul > li > ul > li";
    assertThat(browser.find(chain).getText()).contains("OrderConfirmed");
    assertThat(browser.find("#causation").getText()).contains("4 events in this correlation", "PaymentRequested", "PaymentCaptured");
    browser.screenshot("e2e-audit");
  }
}
