package dev.annals.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.StubApi.Reply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The header's badges in headless Chromium against {@link StubApi}: the server's health (with the store's
 * engine, and why the store is unavailable) and, when the server runs one, the Kafka export's.
 */
class ConsoleHealthTest {

  private static Browser browser;
  private StubApi api;

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @BeforeEach
  void startStub() {
    Browser.assumeChromium(); // per test, so that without Chromium every test is reported skipped
    if (browser == null) {
      browser = Browser.start();
    }
    api = new StubApi();
    Map<String, Object> none = new LinkedHashMap<>();
    none.put("streams", List.of());
    none.put("next", null);
    api.on("GET", "/streams", c -> Reply.json(none));
  }

  @AfterEach
  void stopStub() {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).as("JavaScript errors on the page").isEmpty();
      browser.open("about:blank");
    }
    if (api != null) {
      api.close();
    }
  }

  private void open(String hash) {
    browser.open(api.url() + "/" + hash);
  }

  @Test
  void the_health_badge_names_the_engine_and_says_why_the_store_is_unavailable() {
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "postgresql", "head", 3)));
    open("#/streams");
    assertThat(browser.awaitText("#health", "server up · postgresql")).isEqualTo("server up · postgresql");
    String reason = "the store cannot be read: PostgreSQL is unavailable: reading the head failed (SQLSTATE 08001)";
    api.on("GET", "/health", c -> new Reply(503, "{\"error\":\"unavailable\",\"message\":\"" + reason
        + "\",\"engine\":\"postgresql\"}"));
    browser.open("about:blank");
    open("#/streams");
    assertThat(browser.awaitText("#health", "store unavailable · postgresql")).isEqualTo("store unavailable · postgresql");
    assertThat(browser.find("#health").getAttribute("title")).isEqualTo(reason);
    assertThat(browser.find("#health").getAttribute("class")).contains("down");
  }

  @Test
  void without_a_kafka_export_there_is_no_export_badge() {
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "log", "head", 3)));
    open("#/streams");
    browser.awaitText("#health", "server up · log");
    assertThat(browser.find("#kafka-export").isDisplayed()).isFalse();
  }

  @Test
  void the_kafka_export_badge_says_how_far_behind_kafka_is_and_why_an_export_failed() {
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "postgresql", "head", 1300,
        "kafkaExport", Map.of("topic", "orders", "state", "running", "exportedPosition", 1200, "headPosition", 1300,
            "lag", 100, "eventsPerSecond", 5012.4))));
    open("#/streams");
    assertThat(browser.awaitText("#kafka-export", "kafka · 100 behind")).isEqualTo("kafka · 100 behind");
    WebElement badge = browser.find("#kafka-export");
    assertThat(badge.getAttribute("title")).isEqualTo("orders: position 1,200 of 1,300, 5,012 events/s");
    assertThat(badge.getAttribute("class")).contains("up");

    String reason = "topic 'orders' does not exist on the brokers at 127.0.0.1:9092; create it (kafka-topics.sh"
        + " --create --topic orders) or name another";
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "postgresql", "head", 1300,
        "kafkaExport", Map.of("topic", "orders", "state", "failed", "exportedPosition", 0, "headPosition", 1300,
            "lag", 1300, "eventsPerSecond", 0, "failure", reason))));
    browser.open("about:blank");
    open("#/streams");
    assertThat(browser.awaitText("#kafka-export", "kafka export failed")).isEqualTo("kafka export failed");
    badge = browser.find("#kafka-export");
    assertThat(badge.getAttribute("title")).isEqualTo(reason);
    assertThat(badge.getAttribute("class")).contains("down");
    assertThat(browser.find("#health").getText()).as("a failed export leaves the server up").isEqualTo("server up · postgresql");
  }

  @Test
  void the_nodes_badge_counts_the_servers_up_and_names_them() {
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "postgresql", "head", 3, "node", "n1",
        "nodes", List.of(
            Map.of("name", "n1", "url", "http://10.0.0.1:7070", "up", true, "lastSeen", "2026-12-06T10:00:04Z", "self", true),
            Map.of("name", "n2", "url", "http://10.0.0.2:7070", "up", true, "lastSeen", "2026-12-06T10:00:03Z", "self", false),
            Map.of("name", "n3", "url", "http://10.0.0.3:7070", "up", false, "lastSeen", "2026-12-06T09:58:00Z",
                "self", false)))));
    open("#/streams");
    assertThat(browser.awaitText("#nodes", "nodes · 2 of 3 up")).isEqualTo("nodes · 2 of 3 up");
    WebElement badge = browser.find("#nodes");
    assertThat(badge.getAttribute("title"))
        .isEqualTo("n1 (this server): up\nn2: up\nn3: down, last seen 2026-12-06T09:58:00Z");
    assertThat(badge.getAttribute("class")).contains("down");

    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok", "engine", "log", "head", 3, "node", "n1",
        "nodes", List.of(Map.of("name", "n1", "url", "http://127.0.0.1:7070", "up", true,
            "lastSeen", "2026-12-06T10:00:04Z", "self", true)))));
    browser.open("about:blank");
    open("#/streams");
    browser.awaitText("#health", "server up · log");
    assertThat(browser.find("#nodes").isDisplayed()).as("one server alone: no nodes badge").isFalse();
  }
}
