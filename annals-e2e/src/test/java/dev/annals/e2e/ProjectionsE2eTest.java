package dev.annals.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.Browser;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.examples.bank.BankModule;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.examples.bank.seed.SeededHistory;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.projections.ProjectionSnapshot;
import dev.annals.server.verify.ScanVerifier;
import java.text.NumberFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The projections page in headless Chromium against a real server hosting the bank module over the
 * bank's seeded history (a small one): live status and lag of the hosted projections, then the
 * statements rebuild v1 → v2 run from the page to promotion. Screenshots go to target/console-screenshots/.
 */
class ProjectionsE2eTest {

  private static final String CARD = "section.projection[data-name='" + BankProjections.STATEMENTS + "']";
  private Browser browser;
  private InMemoryEventStore store;
  private AnnalsServer server;
  private SeededHistory history;

  @BeforeEach
  void start() throws Exception {
    Browser.assumeChromium();
    store = new InMemoryEventStore();
    history = new HistoryGenerator(SeedConfig.small(11)).generate();
    history.importInto(store, 5_000);
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true),
        List.of(new BankModule())).start();
    browser = Browser.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).as("JavaScript errors on the page").isEmpty();
      browser.close();
    }
    if (server != null) {
      server.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  private static String number(long n) {
    return NumberFormat.getIntegerInstance(Locale.US).format(n);
  }

  @Test
  void the_hosted_statements_projection_is_rebuilt_from_the_page_compared_and_promoted() throws Exception {
    long head = store.headPosition();
    for (String name : BankProjections.NAMES) {
      assertThat(server.projections().awaitPosition(name, head, Duration.ofSeconds(60))).isTrue();
    }
    browser.open(server.uri() + "/#/projections");

    WebElement card = browser.await(CARD);
    assertThat(browser.findAll("section.projection")).hasSize(BankProjections.NAMES.size());
    browser.awaitText(CARD + " [data-stat='position'] dd", number(head));
    assertThat(card.findElement(org.openqa.selenium.By.cssSelector("h2")).getText()).contains("version 1");
    assertThat(card.findElement(org.openqa.selenium.By.cssSelector(".badge")).getText()).isEqualTo("running");
    assertThat(browser.find(CARD + " [data-stat='lag-events'] dd").getText()).isEqualTo("0");
    browser.await(CARD + " svg.lag-chart polyline.lag-events");
    // Caught up from the start: said in words and drawn, not an empty chart.
    assertThat(browser.find(CARD + " .projected-text").getText())
        .isEqualTo(number(head) + " of " + number(head) + " events in the log projected · caught up");
    assertThat(browser.find(CARD + " svg.lag-chart .chart-note").getText()).startsWith("No lag in the last");
    browser.screenshot("e2e-projections");
    // Only a projection whose module defines a next version offers a rebuild.
    assertThat(browser.find(CARD + " .rebuild-btn").getText()).isEqualTo("Rebuild → version 2");
    assertThat(browser.find("section.projection[data-name='" + BankProjections.BALANCES + "'] .rebuild-btn").isDisplayed())
        .isFalse();

    browser.find(CARD + " .rebuild-btn").click();
    browser.await(CARD + " .progress");
    browser.await(CARD + " .promote-btn").click();
    browser.await(CARD + " .confirm-promote");
    browser.await(CARD + " [data-stat='live-count']"); // the server compares in the background

    // The comparison the page shows is the server's, and its counts are those of the raw history:
    // v1 writes no line for a fee reversal, v2 does; both have one running balance per account.
    List<ImportEvent> accountEvents = history.events().stream().filter(e -> e.stream().startsWith("account-")).toList();
    long accounts = accountEvents.stream().filter(e -> e.event().type().equals("AccountOpened")).count();
    long v2Lines = accountEvents.stream().filter(e -> !Set.of("AccountOpened", "AccountClosed").contains(e.event().type())).count();
    long reversals = accountEvents.stream().filter(e -> e.event().type().equals("FeeReversed")).count();
    assertThat(reversals).isPositive();
    assertThat(browser.find(CARD + " [data-stat='live-count'] dd").getText()).isEqualTo(number(v2Lines - reversals + accounts));
    assertThat(browser.find(CARD + " [data-stat='shadow-count'] dd").getText()).isEqualTo(number(v2Lines + accounts));
    assertThat(browser.find(CARD + " [data-stat='identical'] dd").getText()).isEqualTo("differ");
    assertThat(browser.find(CARD + " .compare").getText()).contains("statement_lines", "+ rebuilt:");
    assertThat(browser.find(CARD + " .comparison-text").getText()).contains(
        "The rebuilt version holds " + number(reversals) + " row" + (reversals == 1 ? "" : "s") + " more than the live one",
        "statement_lines: " + number(reversals) + " row" + (reversals == 1 ? "" : "s") + " more in the rebuilt version",
        "statement_accounts: the same number of rows (" + number(accounts) + ")");
    browser.screenshot("e2e-projections-compare");

    browser.find(CARD + " .confirm-promote").click();
    browser.awaitText(CARD + " .action-msg", "Promoted: version 2");
    browser.awaitText(CARD + " h2", "version 2");
    assertThat(browser.awaitText(CARD + " .rebuild", "promoted")).contains("Compared at promotion");
    assertThat(browser.find(CARD + " .rebuild-btn").isDisplayed()).as("version 2 is the newest").isFalse();
    ProjectionSnapshot served = server.projections().status(BankProjections.STATEMENTS);
    assertThat(served.version()).isEqualTo(2);
    assertThat(served.rebuild().orElseThrow().status()).isEqualTo(ProjectionSnapshot.RebuildStatus.PROMOTED);
    browser.screenshot("e2e-projections-promoted");
  }
}
