package dev.annals.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.Browser;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.examples.bank.BankModule;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.seed.DemoFacts;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.examples.bank.seed.SeededHistory;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The demo's payoff in headless Chromium: the deep link `./annals demo` prints under "Where to look"
 * ({@code /#/stream/account-A0046?at=2026-03-15T14:47:00Z}) against a real server hosting the bank over
 * the demo's own seeded history (the same bytes the demo imports), in a 1400x900 window.
 */
class DemoDeepLinkE2eTest {

  private static final int WIDTH = 1400;
  private static final int HEIGHT = 900;

  private static InMemoryEventStore store;
  private static AnnalsServer server;
  private static DemoFacts facts;
  private static ImportEvent correction;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeChromium();
    store = new InMemoryEventStore();
    SeededHistory history = new HistoryGenerator(SeedConfig.defaults()).generate();
    history.importInto(store, 5_000);
    facts = history.facts();
    correction = history.events().stream()
        .filter(e -> e.event().metadata().toNode().path("revokes").toString().contains(facts.wrongFeeEventId().toString()))
        .findFirst().orElseThrow();
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true),
        List.of(new BankModule())).start();
    browser = Browser.start();
    browser.driver().manage().window().setSize(new Dimension(WIDTH, HEIGHT));
  }

  @AfterEach
  void noJavascriptErrors() {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).as("JavaScript errors on the page").isEmpty();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  /** The link the demo prints: the corrected account's stream at the question's moment. */
  private static String deepLink(String at) {
    return server.uri() + "/#/stream/" + AccountDecider.stream(facts.correctedAccountId()) + "?at=" + at;
  }

  private String figure(String kind) {
    return browser.find("#figure-" + kind + " .figure-value").getText();
  }

  /** Whether the element lies wholly inside the window's viewport (the first screen, no scrolling). */
  private boolean inFirstScreen(String css) {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) browser.js(
        "const b = document.querySelector(arguments[0]).getBoundingClientRect();"
            + " return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, w: innerWidth, h: innerHeight,"
            + " scrolled: scrollY};", css);
    double top = ((Number) r.get("top")).doubleValue();
    double bottom = ((Number) r.get("bottom")).doubleValue();
    double left = ((Number) r.get("left")).doubleValue();
    double right = ((Number) r.get("right")).doubleValue();
    return ((Number) r.get("scrolled")).doubleValue() == 0 && top >= 0 && left >= 0
        && bottom <= ((Number) r.get("h")).doubleValue() && right <= ((Number) r.get("w")).doubleValue();
  }

  @Test
  void the_demos_deep_link_shows_both_march_15_figures_as_money_in_the_first_screen_with_the_chart_and_its_marker() {
    assertThat(facts.asOf()).hasToString("2026-03-15T14:47:00Z");
    browser.open(deepLink(facts.asOf().toString()));

    browser.awaitText("#figure-known .figure-value", "8,684.76");
    browser.awaitText("#figure-valid .figure-value", "8,719.76");
    assertThat(figure("delta")).isEqualTo("+35.00");
    assertThat(browser.find("#moment-title").getText()).isEqualTo("At 2026-03-15 14:47 UTC");
    assertThat(inFirstScreen("#figure-known .figure-value")).as("as known then, in the first screen").isTrue();
    assertThat(inFirstScreen("#figure-valid .figure-value")).as("as valid now, in the first screen").isTrue();
    assertThat(browser.find("#moment-causes").getText())
        .contains("FeeReversed", "35.00", "recorded 2026-03-18 10:05 UTC", "revokes", "FeeCharged");

    // The chart: both lines, the moment, and a marker on the correcting event.
    browser.await("#value-svg path.series-known");
    assertThat(browser.findAll("#value-svg path.series-valid")).hasSize(1);
    assertThat(browser.findAll("#value-svg g.moment")).hasSize(1);
    String marker = "#value-svg g.marker-correction[data-id='" + correction.event().id() + "']";
    assertThat(browser.find(marker).getText()).contains("FeeReversed", "2026-03-18 10:05");
    assertThat(inFirstScreen("#value-svg g.marker-correction .marker-shape")).as("the marker, in the first screen").isTrue();
    browser.screenshot("e2e-demo-deep-link");
  }

  @Test
  void back_and_forward_move_between_two_moments_of_the_stream() {
    browser.open(deepLink("2026-03-15T14:47:00Z"));
    browser.awaitText("#figure-known .figure-value", "8,684.76");

    // A later moment, typed in the page: the correction was recorded by then, so both figures agree.
    browser.find("#moment-input").clear();
    browser.find("#moment-input").sendKeys("2026-03-20 00:00");
    browser.find("#moment-form button[type=submit]").click();
    browser.awaitText("#moment-title", "2026-03-20 00:00 UTC");
    browser.awaitText("#figure-known .figure-value", "8,719.76");
    assertThat(figure("valid")).isEqualTo("8,719.76");
    assertThat(figure("delta")).isEqualTo("0.00");
    assertThat(browser.driver().getCurrentUrl()).endsWith("?at=2026-03-20T00:00:00Z");

    browser.driver().navigate().back();
    browser.awaitText("#moment-title", "2026-03-15 14:47 UTC");
    browser.awaitText("#figure-known .figure-value", "8,684.76");
    assertThat(figure("valid")).isEqualTo("8,719.76");
    assertThat(browser.driver().getCurrentUrl()).endsWith("?at=2026-03-15T14:47:00Z");

    browser.driver().navigate().forward();
    browser.awaitText("#moment-title", "2026-03-20 00:00 UTC");
    browser.awaitText("#figure-known .figure-value", "8,719.76");
    assertThat(figure("delta")).isEqualTo("0.00");
  }
}
