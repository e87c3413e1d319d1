package dev.annals.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.console.StubApi.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * The console's pages in headless Chromium against {@link StubApi}: layout and behaviour that need
 * answers a test controls (failures, a fold, a rebuild's phases). The main paths against the real
 * server are in annals-e2e.
 */
class ConsolePagesTest {

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
    // Checked per test (not in @BeforeAll) so that, without Chromium, every test is reported skipped.
    Browser.assumeChromium();
    if (browser == null) {
      browser = Browser.start();
    }
    api = new StubApi();
    api.on("GET", "/health", c -> Reply.json(Map.of("status", "ok")));
  }

  @AfterEach
  void stopStub() {
    if (browser != null) {
      assertThat(browser.javascriptErrors()).as("JavaScript errors on the page").isEmpty();
      browser.driver().manage().window().setSize(new Dimension(1280, 1000));
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
  void streams_are_searched_by_prefix_and_category_and_open_on_click() {
    api.on("GET", "/streams", c -> Reply.json(Map.of("streams", List.of(
        Map.of("stream", "account-1", "version", 12, "lastPosition", 340, "lastRecordedAt", "2026-11-26T09:15:00.123456Z"),
        Map.of("stream", "account-2", "version", 3, "lastPosition", 341, "lastRecordedAt", "2026-11-26T09:16:00.000001Z")),
        "next", "account-2")));
    StubStore s = new StubStore("account-1");
    s.add("Opened", Map.of("owner", "ada"), "2026-11-26T09:00:00.000000Z", "2026-11-26T09:00:00.000000Z", Map.of());
    s.register(api, false);

    open("#/streams");
    browser.await("#streams-table");
    browser.find("#streams-prefix").sendKeys("acc");
    browser.find("#streams-category").sendKeys("account");
    browser.find("#streams-form button[type=submit]").click();
    browser.until(d -> api.calls("GET", "/streams").stream().anyMatch(c -> "acc".equals(c.query().get("prefix"))));

    var search = api.calls("GET", "/streams").getLast();
    assertThat(search.query()).containsEntry("prefix", "acc").containsEntry("category", "account").containsEntry("limit", "50")
        .doesNotContainKey("after");
    browser.await("#streams-table tr[data-stream='account-2']");
    assertThat(browser.find("#streams-table tr[data-stream='account-1']").getText()).contains("account-1", "12", "340", "2026-11-26 09:15:00.123456 UTC");
    assertThat(browser.find("#streams-next").isEnabled()).isTrue();
    browser.screenshot("stub-streams");

    browser.find("#streams-next").click();
    browser.until(d -> api.calls("GET", "/streams").stream().anyMatch(c -> "account-2".equals(c.query().get("after"))));

    browser.click("#streams-table a"); // the next page is being rendered: the link may not be there yet
    browser.awaitText("#stream-name", "account-1");
    browser.await("article.event[data-version='1']");
  }

  @Test
  void empty_store_has_a_clear_empty_state() {
    api.on("GET", "/streams", c -> Reply.json(Map.of("streams", List.of(), "next", "")));
    api.on("GET", "/streams", c -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("streams", List.of());
      body.put("next", null);
      return Reply.json(body);
    });

    open("#/streams");

    assertThat(browser.awaitText("#streams-results .empty", "no streams")).contains("The store has no streams yet.");
  }

  @Test
  void time_travel_shows_known_and_valid_states_side_by_side_with_what_makes_them_differ() {
    StubStore s = accountWithCorrection();
    s.register(api, true);

    open("#/stream/account-7");
    browser.awaitText("#state-valid", "balance");
    browser.until(d -> browser.find("#state-known").getText().contains("130") ? true : null);

    assertThat(browser.find("#state-known").getText()).contains("\"balance\": 130");
    assertThat(browser.find("#state-valid").getText()).contains("\"balance\": 30");
    assertThat(browser.find("#state-valid [data-path='/balance']").getAttribute("class")).contains("changed");
    assertThat(browser.find("#differences").getText()).contains("v2", "revoked by v5", "v5", "revokes v2", "backdated");
    assertThat(browser.find("article.event[data-version='2']").getAttribute("class")).contains("differs");
    browser.screenshot("stub-stream-time-travel");

    // T back to 10:20 (the fourth recording): the correction is not known yet; both views agree.
    browser.slide("#t-slider", 3);
    browser.until(d -> browser.find("#state-known").getText().contains("\"balance\": 120") ? true : null);
    assertThat(browser.find("#state-valid").getText()).contains("\"balance\": 120");
    assertThat(browser.find("#differences").getText()).contains("both views agree");
    assertThat(browser.find("#after-t").getText()).contains("1 event recorded after T", "v5");
    assertThat(browser.find("article.event[data-version='5']").getAttribute("class")).contains("after-t");
    assertThat(browser.find("#t-value").getText()).contains("2026-11-26 10:20:00.000000 UTC", "after v4");

    // V before the withdrawal took effect: the withdrawal is "effective after V".
    browser.slide("#v-slider", 2);
    browser.until(d -> browser.find("#differences").getText().contains("after V") ? true : null);
    assertThat(browser.find("#v-follows-t").isSelected()).isFalse();
    assertThat(browser.find("#state-valid").getText()).contains("\"balance\": 150");
    assertThat(api.calls("GET", "/streams/account-7/state")).extracting(StubApi.Call::query)
        .contains(Map.of("validAt", "2026-11-26T10:10:00.000000Z", "knownAt", "2026-11-26T10:20:00.000000Z"));
  }

  @Test
  void a_stream_without_a_fold_says_so_plainly_and_still_time_travels() {
    StubStore s = accountWithCorrection();
    s.register(api, false);

    open("#/stream/account-7");

    assertThat(browser.awaitText("#state-known", "No state fold")).contains("not_found");
    assertThat(browser.find("#view-valid").getText()).contains("No state fold");
    assertThat(browser.awaitText("#figures", "No state fold")).contains("not_found");
    browser.slide("#t-slider", 0);
    browser.until(d -> browser.findAll("#view-known .mini-events li").size() == 1 ? true : null);
    // Two from the answer card (known then, valid now), two from the time travel; a 404 is remembered, not asked again.
    assertThat(api.calls("GET", "/streams/account-7/state")).hasSize(4);
  }

  @Test
  void a_stream_opens_at_the_moment_in_its_url_with_both_figures_as_money_and_the_correction_marked() {
    StubStore s = accountWithCorrection();
    s.register(api, true);

    // 10:25: after the withdrawal, before the correction (recorded 10:30, effective 10:05, revoking the +100).
    open("#/stream/account-7?at=2026-11-26T10:25:00Z");

    browser.awaitText("#figure-known .figure-value", "1.20"); // 100 + 50 - 30 cents
    assertThat(browser.find("#figure-valid .figure-value").getText()).isEqualTo("0.30"); // 10 + 50 - 30
    assertThat(browser.find("#figure-delta .figure-value").getText()).isEqualTo("−0.90");
    assertThat(browser.find("#moment-title").getText()).isEqualTo("At 2026-11-26 10:25 UTC");
    assertThat(browser.find("#moment-input").getAttribute("value")).isEqualTo("2026-11-26 10:25:00");
    assertThat(browser.find("#moment-causes").getText())
        .contains("v5", "DepositCorrected", "0.10", "recorded 2026-11-26 10:30 UTC", "in effect from 2026-11-26 10:05 UTC", "revokes v2 Deposited 1.00", "typo in amount");
    assertThat(api.calls("GET", "/streams/account-7/state")).extracting(StubApi.Call::query)
        .contains(Map.of("knownAt", "2026-11-26T10:25:00.000000Z"), Map.of("validAt", "2026-11-26T10:25:00.000000Z"));

    browser.await("#value-svg g.marker-correction");
    assertThat(browser.findAll("#value-svg g.marker-correction")).hasSize(1);
    assertThat(browser.find("#value-svg g.marker-correction").getText()).contains("v5 DepositCorrected");
    assertThat(browser.find("#value-svg path.series-known").getAttribute("d")).isNotEqualTo(browser.find("#value-svg path.series-valid").getAttribute("d"));
    assertThat(browser.findAll("#value-svg .moment circle")).hasSize(2);
    // The time travel below starts at the moment too: T at 10:20, the last recording by 10:25.
    assertThat(browser.awaitText("#t-value", "after v4")).contains("2026-11-26 10:20:00.000000 UTC");
    // Amounts in the event data read as money beside the raw cents.
    assertThat(browser.find("article.event[data-version='2'] .j-note").getText()).isEqualTo("1.00");
    browser.screenshot("stub-stream-at-a-moment");
  }

  @Test
  void a_corrected_stream_opened_now_suggests_a_moment_in_between_and_back_returns_to_now() {
    StubStore s = accountWithCorrection();
    s.register(api, true);
    open("#/stream/account-7");
    browser.awaitText("#moment-title", "Now");
    // The stub's fold just adds amounts: known now it still counts the revoked deposit.
    browser.awaitText("#figure-known .figure-value", "1.30");
    assertThat(browser.find("#figure-valid .figure-value").getText()).isEqualTo("0.30");

    // Halfway between the revoked deposit's recording (10:05) and the correction's (10:30), on the minute.
    browser.awaitText("#moment-causes", "corrected after the fact");
    browser.find("#moment-causes a.suggested-moment").click();
    browser.awaitText("#moment-title", "2026-11-26 10:17 UTC");
    browser.awaitText("#figure-known .figure-value", "1.50");
    assertThat(browser.find("#figure-valid .figure-value").getText()).isEqualTo("0.60");
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/stream/account-7?at=2026-11-26T10:17:00Z");

    browser.driver().navigate().back();
    browser.awaitText("#moment-title", "Now");
    browser.awaitText("#figure-known .figure-value", "1.30");
    assertThat(browser.findAll("article.event")).as("the page was redrawn in place, its events kept").hasSize(5);
  }

  @Test
  void event_data_and_metadata_are_pretty_collapsible_json() {
    StubStore s = accountWithCorrection();
    s.register(api, false);

    open("#/stream/account-7");
    WebElement card = browser.await("article.event[data-version='5']");

    assertThat(card.getText()).contains("DepositCorrected", "revokes", "\"amount\": 10");
    WebElement metadata = card.findElements(org.openqa.selenium.By.cssSelector("details.json-details")).get(1);
    assertThat(metadata.getAttribute("open")).isNull();
    metadata.findElement(org.openqa.selenium.By.tagName("summary")).click();
    assertThat(metadata.getText()).contains("\"actor\": \"bob\"", "\"reason\": \"typo in amount\"");
    metadata.findElement(org.openqa.selenium.By.cssSelector(".j-toggle")).click();
    assertThat(metadata.findElement(org.openqa.selenium.By.cssSelector(".j-node")).getAttribute("class")).contains("collapsed");
  }

  @Test
  void event_content_is_shown_as_text_never_run_as_html() {
    String hostile = "<img src=x onerror=\"window.pwned=1\">";
    StubStore s = new StubStore("note-1");
    s.add("Noted", Map.of("text", hostile), "2026-11-26T10:00:00.000000Z", "2026-11-26T10:00:00.000000Z", Map.of("actor", hostile));
    s.register(api, false);

    open("#/stream/note-1");
    WebElement card = browser.await("article.event[data-version='1']");

    assertThat(card.getText()).contains(hostile);
    assertThat(card.findElements(org.openqa.selenium.By.tagName("img"))).isEmpty();
    assertThat(browser.js("return window.pwned === undefined")).isEqualTo(true);
  }

  @Test
  void the_api_key_is_sent_as_a_bearer_token_and_server_errors_are_shown() {
    api.on("GET", "/streams", c -> c.authorization().equals(java.util.Optional.of("Bearer s3cret"))
        ? Reply.json(Map.of("streams", List.of(), "next", false))
        : Reply.error(401, "unauthorized", "an API key is required (Authorization: Bearer <key>)"));

    open("#/streams");
    String error = browser.awaitText("#streams-results .error", "unauthorized");
    assertThat(error).contains("unauthorized", "HTTP 401", "an API key is required");
    browser.screenshot("stub-error-unauthorized");

    browser.find("#api-key").sendKeys("s3cret");
    browser.find("#key-form button[type=submit]").click();

    browser.awaitText("#streams-results .empty", "no streams");
    assertThat(browser.js("return localStorage.getItem('annals.apiKey')")).isEqualTo("s3cret");
    assertThat(api.calls("GET", "/streams").getLast().authorization()).contains("Bearer s3cret");
    assertThat(browser.find("#key-state").getText()).isEqualTo("key set");
  }

  @Test
  void an_error_without_a_json_body_is_shown_with_its_status() {
    api.on("GET", "/projections", c -> new Reply(502, "Bad Gateway from the proxy"));

    open("#/projections");

    assertThat(browser.awaitText("#projections-error", "http_502")).contains("HTTP 502", "Bad Gateway from the proxy");
  }

  @Test
  void the_tail_counts_events_and_resumes_after_a_pause_from_the_last_position_seen() {
    api.on("GET", "/health", c -> Reply.json(Map.of()));
    open("#/tail");
    browser.js("localStorage.setItem('annals.apiKey', 'k1')");
    browser.find("#tail-types").sendKeys("Deposited, Withdrawn");
    browser.find("#tail-category").sendKeys("account");
    browser.find("#tail-start").click();
    browser.awaitText("#tail-status", "live");

    api.publish(feedEvent("account-1", "Deposited"));
    api.publish(feedEvent("account-2", "Withdrawn"));
    browser.awaitText("#tail-count", "2");
    browser.find("#tail-pause").click();
    browser.awaitText("#tail-status", "paused");

    api.publish(feedEvent("account-3", "Deposited")); // appended while paused
    browser.find("#tail-pause").click(); // resume
    browser.awaitText("#tail-count", "3");
    browser.screenshot("stub-tail");

    var subscriptions = api.calls("GET", "/subscribe/all");
    assertThat(subscriptions.getFirst().query()).containsOnly(
        Map.entry("from", "end"), Map.entry("types", "Deposited,Withdrawn"), Map.entry("category", "account"));
    assertThat(subscriptions).allSatisfy(c -> assertThat(c.authorization()).contains("Bearer k1"));
    assertThat(subscriptions.getLast().query()).containsEntry("from", "3");
    assertThat(browser.findAll("#tail-rows tr")).hasSize(3);
    assertThat(browser.find("#tail-rows tr").getText()).contains("account-3", "Deposited");
  }

  @Test
  void a_tail_paused_before_any_event_resumes_from_the_head_it_saw_at_pause() {
    api.publish(feedEvent("account-1", "Deposited")); // already in the log: not shown
    api.on("GET", "/head", c -> Reply.json(Map.of("head", 1)));
    open("#/tail");
    browser.find("#tail-start").click();
    browser.awaitText("#tail-status", "live");
    browser.find("#tail-pause").click();
    browser.awaitText("#tail-status", "paused");
    browser.until(d -> api.calls("GET", "/head").isEmpty() ? null : true);

    api.publish(feedEvent("account-2", "Deposited")); // appended while paused
    browser.find("#tail-pause").click();

    browser.awaitText("#tail-count", "1");
    assertThat(api.calls("GET", "/subscribe/all").getLast().query()).containsEntry("from", "2");
    assertThat(api.calls("GET", "/subscribe/all").getLast().authorization()).isEmpty();
    assertThat(browser.find("#tail-rows tr").getText()).contains("account-2");
  }

  @Test
  void a_dropped_tail_reconnects_by_itself_from_the_position_after_the_last_event() {
    open("#/tail");
    browser.find("#tail-start").click();
    browser.awaitText("#tail-status", "live");
    api.publish(feedEvent("account-1", "Deposited"));
    browser.awaitText("#tail-count", "1");

    api.dropSubscribers();
    api.publish(feedEvent("account-2", "Deposited")); // appended while disconnected

    browser.awaitText("#tail-count", "2");
    browser.awaitText("#tail-status", "live");
    var subscriptions = api.calls("GET", "/subscribe/all");
    assertThat(subscriptions).hasSize(2);
    assertThat(subscriptions.getLast().query()).containsEntry("from", "2");
  }

  @Test
  void a_refused_subscription_shows_the_servers_error() {
    api.on("GET", "/subscribe/all", c -> Reply.error(403, "forbidden", "this key may not read category 'account'"));
    open("#/tail");
    browser.find("#tail-start").click();

    assertThat(browser.awaitText("#tail-error", "forbidden")).contains("HTTP 403", "this key may not read category 'account'");
    assertThat(browser.find("#tail-status").getText()).isEqualTo("refused");
    assertThat(browser.find("#tail-pause").getText()).isEqualTo("Resume");
  }

  @Test
  void audit_search_sends_the_filters_and_draws_the_causation_tree() {
    List<Map<String, Object>> events = new ArrayList<>();
    events.add(auditEvent("e1", "order-1", "OrderPlaced", Map.of("actor", "alice", "correlationId", "c-1", "causationId", "cmd-1", "commandId", "cmd-1")));
    events.add(auditEvent("e2", "payment-1", "PaymentRequested", Map.of("actor", "system", "correlationId", "c-1", "causationId", "e1")));
    events.add(auditEvent("e3", "payment-1", "PaymentCaptured", Map.of("actor", "system", "correlationId", "c-1", "causationId", "e2")));
    events.add(auditEvent("e4", "order-1", "OrderConfirmed", Map.of("actor", "system", "correlationId", "c-1", "causationId", "cmd-1")));
    api.on("GET", "/audit", c -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("events", events);
      body.put("next", null);
      return Reply.json(body);
    });

    open("#/audit");
    browser.find("#audit-actor").sendKeys("alice");
    browser.find("#audit-from").sendKeys("2026-11-26 09:00");
    browser.find("#audit-to").sendKeys("2026-11-26T18:00:00Z");
    browser.find("#audit-form button[type=submit]").click();
    browser.await("#audit-table");

    assertThat(api.calls("GET", "/audit").getLast().query()).containsEntry("actor", "alice")
        .containsEntry("since", "2026-11-26T09:00:00.000000Z").containsEntry("until", "2026-11-26T18:00:00.000000Z")
        .doesNotContainKey("correlationId");

    browser.find("#audit-table .tree-link").click();
    browser.await("#causation-tree");
    browser.screenshot("stub-audit");

    String command = "#causation-tree > li.virtual[data-cause='cmd-1'] > ul";
    assertThat(browser.find(command + " > li[data-id='e1'] > ul > li[data-id='e2'] > ul > li[data-id='e3']").getText()).contains("PaymentCaptured");
    assertThat(browser.find(command + " > li[data-id='e4']").getText()).contains("OrderConfirmed");
    assertThat(browser.find("#causation-tree > li.virtual > .tree-label").getText()).startsWith("command").contains("cmd-1");
    assertThat(api.calls("GET", "/audit").getLast().query()).containsEntry("correlationId", "c-1");
  }

  @Test
  void a_time_the_audit_page_cannot_read_is_an_error_not_a_silent_empty_search() {
    open("#/audit");
    browser.find("#audit-from").sendKeys("yesterday");
    browser.find("#audit-form button[type=submit]").click();

    assertThat(browser.awaitText("#audit-results .error", "invalid_input")).contains("\"yesterday\" is not a time");
    assertThat(api.calls("GET", "/audit")).isEmpty();
  }

  /** A projection as GET /projections shows it (docs/http-api.md), with the given version and rebuild. */
  private static Map<String, Object> projection(int version, Object rebuild) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", "balances");
    p.put("version", version);
    p.put("nextVersion", version == 1 ? 2 : null);
    p.put("status", "running");
    p.put("live", true);
    p.put("position", 40);
    p.put("head", 42);
    p.put("lagEvents", 2);
    p.put("lagSeconds", 0.5);
    p.put("parked", 0);
    p.put("lastError", null);
    p.put("runningOn", "web-2");
    p.put("rebuild", rebuild);
    return p;
  }

  private static Map<String, Object> rebuild(String status, int done, int toGo, Object comparison) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("version", 2);
    r.put("status", status);
    r.put("eventsDone", done);
    r.put("eventsToGo", toGo);
    r.put("eventsPerSecond", 4.0);
    r.put("etaSeconds", toGo == 0 ? 0.0 : toGo / 4.0);
    r.put("caughtUp", toGo == 0);
    r.put("comparison", comparison);
    return r;
  }

  private static Map<String, Object> comparison() {
    return Map.of("identical", false, "tables", List.of(
        Map.of("table", "balance", "liveRows", 5, "shadowRows", 6, "onlyInLive", List.of(), "onlyInShadow", List.of("account-9 | 3"))));
  }

  @Test
  void projections_show_lag_and_a_rebuild_runs_with_progress_to_compare_then_promote() {
    AtomicInteger done = new AtomicInteger(-1);
    AtomicInteger version = new AtomicInteger(1);
    api.on("GET", "/projections", c -> {
      int d = done.get();
      Object r = null;
      if (version.get() == 2) {
        r = rebuild("promoted", 42, 0, comparison());
      } else if (d >= 0) {
        int next = Math.min(42, d + 8);
        done.set(next);
        r = rebuild(next < 42 ? "rebuilding" : "ready", next, 42 - next, next < 42 ? null : comparison());
      }
      return Reply.json(Map.of("projections", List.of(projection(version.get(), r))));
    });
    api.on("POST", "/projections/balances/rebuild", c -> {
      done.set(0);
      return Reply.json(projection(1, rebuild("rebuilding", 0, 42, null)));
    });
    api.on("POST", "/projections/balances/promote", c -> {
      version.set(2);
      return Reply.json(projection(2, rebuild("promoted", 42, 0, comparison())));
    });

    open("#/projections");
    WebElement card = browser.await("section.projection[data-name='balances']");
    browser.awaitText("section.projection [data-stat='lag-events']", "2");
    assertThat(card.getText()).contains("running", "40", "0.5 s");
    assertThat(browser.find("section.projection [data-stat='running-on']").getText()).containsIgnoringCase("running on")
        .contains("web-2");
    browser.await("section.projection svg.lag-chart polyline.lag-events");
    assertThat(browser.find("section.projection .projected-text").getText()).isEqualTo("40 of 42 events in the log projected · 2 to go");

    assertThat(browser.find(".rebuild-btn").getText()).isEqualTo("Rebuild → version 2");
    browser.find(".rebuild-btn").click();
    String progress = browser.awaitText(".progress-text", "ETA");
    assertThat(progress).contains("done", "to go", "events/s");
    assertThat(browser.find(".progress").getAttribute("aria-valuenow")).isNotEqualTo("100");
    browser.screenshot("stub-projections-rebuilding");

    browser.await(".promote-btn").click();
    browser.await(".confirm-promote");
    assertThat(browser.find(".progress").getAttribute("aria-valuenow")).isEqualTo("100");
    assertThat(browser.find("[data-stat='live-count'] dd").getText()).isEqualTo("5");
    assertThat(browser.find("[data-stat='shadow-count'] dd").getText()).isEqualTo("6");
    assertThat(browser.find("[data-stat='identical'] dd").getText()).isEqualTo("differ");
    assertThat(browser.find("[data-stat='count-diff'] dd").getText()).isEqualTo("+1");
    assertThat(browser.find("#comparison-text").getText()).contains("rows in the read model's tables, added up over its 1 table",
        "The rebuilt version holds 1 row more than the live one (6 against 5)", "balance: 1 row more in the rebuilt version");
    assertThat(browser.find(".compare").getText()).contains("account-9 | 3");
    browser.screenshot("stub-projections-compare");
    browser.find(".confirm-promote").click();

    browser.awaitText(".action-msg", "Promoted");
    assertThat(api.calls("POST", "/projections/balances/promote")).hasSize(1);
    browser.awaitText("section.projection h2", "version 2");
    assertThat(browser.awaitText(".rebuild", "promoted")).contains("Compared at promotion", "account-9 | 3");
    assertThat(browser.findAll(".promote-btn")).isEmpty();
    assertThat(browser.find(".rebuild-btn").isDisplayed()).as("no next version after the promotion").isFalse();
  }

  @Test
  void a_projection_that_kept_up_says_so_instead_of_an_empty_chart() {
    api.on("GET", "/projections", c -> {
      Map<String, Object> p = projection(1, null);
      p.put("position", 42);
      p.put("lagEvents", 0);
      p.put("lagSeconds", 0.0);
      return Reply.json(Map.of("projections", List.of(p)));
    });

    open("#/projections");

    assertThat(browser.awaitText("section.projection .projected-text", "caught up")).isEqualTo("42 of 42 events in the log projected · caught up");
    assertThat(browser.find("section.projection .meter").getAttribute("aria-valuenow")).isEqualTo("100");
    assertThat(browser.find("svg.lag-chart .chart-note").getText()).startsWith("No lag in the last");
    assertThat(browser.findAll("svg.lag-chart .axis.caught-up")).hasSize(1);
    assertThat(browser.find("section.projection figcaption").getText()).contains("events behind", "seconds behind", "peak 0 events");
  }

  @Test
  void the_audit_pages_examples_come_from_the_log() {
    api.on("GET", "/all", c -> Reply.json(Map.of("events", List.of("backward".equals(c.query().get("direction"))
        ? auditEvent("z", "order-9", "OrderShipped", Map.of("actor", "warehouse:east", "correlationId", "c-9"))
        : Map.of("id", "a", "stream", "account-1", "version", 1, "position", 1, "type", "Opened", "data", Map.of(),
            "metadata", Map.of("actor", "ada"), "recordedAt", "2026-01-01T07:26:31.000000Z", "effectiveAt", "2026-01-01T07:26:31.000000Z")),
        "next", 2)));

    open("#/audit");

    browser.awaitText("#audit-span", "The log holds");
    assertThat(browser.find("#audit-from").getAttribute("placeholder")).isEqualTo("2026-01-01 07:26");
    assertThat(browser.find("#audit-to").getAttribute("placeholder")).isEqualTo("2026-11-26 10:00");
    assertThat(browser.find("#audit-actor").getAttribute("placeholder")).isEqualTo("e.g. warehouse:east");
    assertThat(browser.find("#audit-correlation").getAttribute("placeholder")).isEqualTo("e.g. c-9");
    assertThat(browser.find("#audit-span").getText()).contains("from 2026-01-01 07:26 to 2026-11-26 10:00 UTC");
  }

  @Test
  void verify_shows_the_head_hash_and_every_problem() {
    api.on("POST", "/admin/verify", c -> Reply.json(Map.of("ok", false, "events", 1234, "headHash", "ab12cd34ef",
        "problems", List.of("segment 00000000000000000001.log: checksum mismatch at offset 4096", Map.of("index", "stream", "detail", "stale")))));

    open("#/integrity");
    browser.find("#verify-run").click();

    assertThat(browser.awaitText("#verify-verdict", "NOT")).contains("2 problems");
    assertThat(browser.find("#verify-head-hash").getText()).isEqualTo("ab12cd34ef");
    assertThat(browser.find("#verify-events").getText()).isEqualTo("1,234");
    assertThat(browser.find("#verify-problems").getText()).contains("checksum mismatch at offset 4096", "stale");
    browser.screenshot("stub-integrity-problems");
  }

  @Test
  void on_a_narrow_screen_the_nav_moves_above_the_page() {
    api.on("GET", "/streams", c -> Reply.json(Map.of("streams", List.of(
        Map.of("stream", "account-1", "version", 12, "lastPosition", 340, "lastRecordedAt", "2026-11-26T09:15:00.123456Z")), "next", false)));
    browser.driver().manage().window().setSize(new Dimension(480, 900));
    open("#/streams");
    browser.await("#streams-table");

    var nav = browser.find(".sidenav").getRect();
    var main = browser.find("main").getRect();
    assertThat(nav.getY() + nav.getHeight()).isLessThanOrEqualTo(main.getY() + 1);
    assertThat(nav.getHeight()).as("the nav is one row of links, not a tall block").isLessThan(120);
    assertThat((Long) browser.js("return document.documentElement.scrollWidth")).as("no sideways scrolling of the page")
        .isLessThanOrEqualTo(480L);
    assertThat(browser.find(".sidenav a[aria-current=page]").getText()).isEqualTo("Streams");
    browser.screenshot("stub-narrow");
  }

  @Test
  void the_harness_sees_javascript_errors_so_the_check_after_each_test_is_not_vacuous() {
    open("#/integrity");
    browser.await("#verify-run");
    browser.js("setTimeout(() => { throw new Error('boom from a page'); }, 0)");

    List<String> errors = browser.until(d -> {
      List<String> seen = browser.javascriptErrors();
      return seen.isEmpty() ? null : seen;
    });
    assertThat(errors).anySatisfy(m -> assertThat(m).contains("boom from a page"));
  }

  @Test
  void an_unknown_page_says_so() {
    open("#/nowhere");
    assertThat(browser.awaitText("main", "Not found")).contains("There is no page at /nowhere");
  }

  // ---- data --------------------------------------------------------------------------------------

  /** account-7: opened, +100, +50, -30, then at 10:30 a correction effective 10:05 that revokes the +100 (it was +10). */
  private static StubStore accountWithCorrection() {
    StubStore s = new StubStore("account-7");
    s.add("Opened", Map.of("owner", "ada"), "2026-11-26T10:00:00.000000Z", "2026-11-26T10:00:00.000000Z", Map.of("actor", "ada"));
    String deposit = s.add("Deposited", Map.of("amount", 100), "2026-11-26T10:05:00.000000Z", "2026-11-26T10:05:00.000000Z", Map.of("actor", "ada"));
    s.add("Deposited", Map.of("amount", 50), "2026-11-26T10:10:00.000000Z", "2026-11-26T10:10:00.000000Z", Map.of("actor", "ada"));
    s.add("Withdrawn", Map.of("amount", -30), "2026-11-26T10:20:00.000000Z", "2026-11-26T10:20:00.000000Z", Map.of("actor", "ada"));
    s.add("DepositCorrected", Map.of("amount", 10), "2026-11-26T10:30:00.000000Z", "2026-11-26T10:05:00.000000Z",
        Map.of("actor", "bob", "reason", "typo in amount", "revokes", List.of(deposit)));
    return s;
  }

  private static Map<String, Object> feedEvent(String stream, String type) {
    return Map.of("id", java.util.UUID.randomUUID().toString(), "stream", stream, "version", 1, "type", type,
        "data", Map.of("amount", 5), "metadata", Map.of(), "recordedAt", "2026-11-26T10:00:00.000000Z", "effectiveAt", "2026-11-26T10:00:00.000000Z");
  }

  private static Map<String, Object> auditEvent(String id, String stream, String type, Map<String, Object> metadata) {
    return Map.of("id", id, "stream", stream, "version", 1, "position", 1, "type", type, "data", Map.of(), "metadata", metadata,
        "recordedAt", "2026-11-26T10:00:00.000000Z", "effectiveAt", "2026-11-26T10:00:00.000000Z");
  }
}
