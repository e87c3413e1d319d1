package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.examples.bank.seed.SeedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario on a random port, with every printed answer checked against a brute-force
 * computation from the raw events read over HTTP ({@code /streams/...} and {@code /all}), folded here
 * without the production code (no decider, no StateQueries, no projection).
 */
class DemoScenarioTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path dir;

  private static Demo demo;
  private static Demo.Answers answers;
  private static String printed;
  private static String progress;
  private static String base;
  private static List<JsonNode> all;

  @BeforeAll
  static void runTheDemo() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    demo = Demo.open(dir.resolve("data"), "127.0.0.1", 0, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    ByteArrayOutputStream steps = new ByteArrayOutputStream();
    answers = demo.run(SeedConfig.defaults(), new ProgressLine(new PrintStream(steps, true, StandardCharsets.UTF_8), false));
    printed = buffer.toString(StandardCharsets.UTF_8);
    progress = steps.toString(StandardCharsets.UTF_8);
    base = demo.server().uri().toString().replaceAll("/$", "");
    all = readPages("/all?limit=10000", "from");
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private static JsonNode get(String pathAndQuery) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<JsonNode> readPages(String first, String cursor) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JsonNode page = get(first);
    while (true) {
      page.path("events").forEach(out::add);
      if (page.path("next").isNull() || page.path("next").isMissingNode()) {
        return out;
      }
      page = get(first + "&" + cursor + "=" + page.path("next").asLong());
    }
  }

  /** The signed effect of one raw account event on the balance, from its type and JSON data. */
  private static long delta(JsonNode e) {
    long amount = e.path("data").path("amount").asLong();
    return switch (e.path("type").asText()) {
      case "Deposited", "FeeReversed", "Credited", "DebitReversed" -> amount;
      case "Withdrawn", "FeeCharged", "Debited" -> -amount;
      default -> 0;
    };
  }

  /**
   * The balance after the raw events in the order given: amounts by type, except that a fee reversal
   * gives back only a fee charged earlier in that order and not yet given back (the bank's rule).
   */
  private static long balance(List<JsonNode> events) {
    Map<String, Long> openFees = new HashMap<>();
    long balance = 0;
    for (JsonNode e : events) {
      String feeId = e.path("data").path("feeId").asText();
      switch (e.path("type").asText()) {
        case "FeeCharged" -> {
          openFees.put(feeId, e.path("data").path("amount").asLong());
          balance += delta(e);
        }
        case "FeeReversed" -> balance += Optional.ofNullable(openFees.remove(feeId)).orElse(0L);
        default -> balance += delta(e);
      }
    }
    return balance;
  }

  private static Instant at(JsonNode e, String field) {
    return Instant.parse(e.path(field).asText());
  }

  private static List<JsonNode> accountStream(String accountId) throws Exception {
    return readPages("/streams/account-" + URLEncoder.encode(accountId, StandardCharsets.UTF_8) + "?limit=1000", "from");
  }

  private static long knownThenByBruteForce(Demo.BalanceAnswer a) throws Exception {
    return balance(accountStream(a.accountId()).stream().filter(e -> !at(e, "recordedAt").isAfter(a.asOf())).toList());
  }

  private static long validNowByBruteForce(Demo.BalanceAnswer a) throws Exception {
    List<JsonNode> events = accountStream(a.accountId());
    Set<String> revoked = new HashSet<>();
    events.forEach(e -> e.path("metadata").path("revokes").forEach(id -> revoked.add(id.asText())));
    return balance(events.stream()
        .filter(e -> !at(e, "effectiveAt").isAfter(a.asOf()) && !revoked.contains(e.path("id").asText()))
        .sorted(Comparator.comparing((JsonNode e) -> at(e, "effectiveAt"))
            .thenComparingLong(e -> e.path("version").asLong()))
        .toList());
  }

  @Test
  void the_bank_module_serves_both_balances_at_the_state_route() throws Exception {
    Demo.BalanceAnswer a = answers.balance();
    String path = "/streams/account-" + a.accountId() + "/state?";
    assertThat(get(path + "knownAt=" + a.asOf()).path("state").path("ledger").path("balance").asLong())
        .isEqualTo(knownThenByBruteForce(a));
    assertThat(get(path + "validAt=" + a.asOf()).path("state").path("ledger").path("balance").asLong())
        .isEqualTo(validNowByBruteForce(a));
    assertThat(get(path.replace("?", "")).path("state").path("case").asText()).isIn("Open", "Closed");
  }

  @Test
  void balance_known_then_is_the_sum_of_events_recorded_by_then_in_version_order() throws Exception {
    Demo.BalanceAnswer a = answers.balance();
    long expected = knownThenByBruteForce(a);
    assertThat(a.knownThen()).isEqualTo(expected);
    assertThat(printed).contains("as known then   " + Demo.Cents.format(expected));
  }

  @Test
  void balance_valid_now_is_the_sum_of_events_in_effect_by_then_minus_revoked_ones() throws Exception {
    Demo.BalanceAnswer a = answers.balance();
    long expected = validNowByBruteForce(a);
    assertThat(a.validNow()).isEqualTo(expected);
    assertThat(a.validNow()).isNotEqualTo(a.knownThen());
    assertThat(printed).contains("as valid now    " + Demo.Cents.format(expected));
  }

  @Test
  void the_difference_is_the_wrong_fee_and_its_correction_as_stored() throws Exception {
    Demo.BalanceAnswer a = answers.balance();
    List<JsonNode> events = accountStream(a.accountId());
    JsonNode fee = events.stream().filter(e -> e.path("id").asText().equals(a.feeEventId())).findFirst().orElseThrow();
    JsonNode correction = events.stream().filter(e -> e.path("id").asText().equals(a.correctionEventId()))
        .findFirst().orElseThrow();
    assertThat(fee.path("type").asText()).isEqualTo("FeeCharged");
    assertThat(correction.path("metadata").path("revokes").toString()).contains(a.feeEventId());
    assertThat(at(fee, "recordedAt")).isEqualTo(a.feeChargedAt()).isBefore(a.asOf());
    assertThat(at(correction, "recordedAt")).isEqualTo(a.correctionRecordedAt()).isAfter(a.asOf());
    assertThat(at(correction, "effectiveAt")).isEqualTo(a.correctionEffectiveAt()).isBeforeOrEqualTo(a.asOf());
    assertThat(a.validNow() - a.knownThen()).isEqualTo(fee.path("data").path("amount").asLong())
        .isEqualTo(a.feeAmount());
    assertThat(printed).contains(a.feeEventId()).contains(a.correctionRecordedAt().toString());
  }

  @Test
  void audit_trail_is_every_event_of_the_correlation_id_in_log_order() {
    Demo.AuditAnswer a = answers.audit();
    List<String> expected = all.stream()
        .filter(e -> e.path("metadata").path("correlationId").asText().equals(a.correlationId()))
        .map(e -> e.path("position").asLong() + " " + e.path("stream").asText() + " " + e.path("type").asText() + " "
            + e.path("metadata").path("actor").asText("-") + " " + e.path("metadata").path("causationId").asText("-")
            + " " + at(e, "recordedAt"))
        .toList();
    List<String> answered = a.events().stream()
        .map(e -> e.position() + " " + e.stream() + " " + e.type() + " " + e.actor() + " " + e.causationId() + " "
            + e.recordedAt())
        .toList();
    assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
    assertThat(answered).isEqualTo(expected);
    assertThat(a.events()).anyMatch(e -> e.stream().equals("transfer-" + a.transferId()));
    a.events().forEach(e -> assertThat(printed).contains(e.recordedAt().toString()).contains(e.stream()));
  }

  @Test
  void rebuild_v2_fixes_the_statement_and_the_comparison_counts_match_the_raw_events() throws Exception {
    Demo.RebuildAnswer r = answers.rebuild();
    List<JsonNode> accountEvents = all.stream().filter(e -> e.path("stream").asText().startsWith("account-")).toList();
    long accounts = accountEvents.stream().filter(e -> e.path("type").asText().equals("AccountOpened")).count();
    long v2Lines = accountEvents.stream()
        .filter(e -> !Set.of("AccountOpened", "AccountClosed").contains(e.path("type").asText())).count();
    long reversals = accountEvents.stream().filter(e -> e.path("type").asText().equals("FeeReversed")).count();
    Comparison.TableComparison lines = table(r.comparison(), "statement_lines");
    assertThat(lines.shadowRows()).isEqualTo(v2Lines);
    assertThat(lines.liveRows()).isEqualTo(v2Lines - reversals);
    assertThat(lines.onlyInShadow()).isNotEmpty();
    assertThat(table(r.comparison(), "statement_accounts").liveRows()).isEqualTo(accounts);

    String account = answers.balance().accountId();
    long truth = balance(accountStream(account));
    long withoutReversals = accountStream(account).stream()
        .filter(e -> !e.path("type").asText().equals("FeeReversed")).mapToLong(DemoScenarioTest::delta).sum();
    assertThat(r.correctedAccountBalanceV2()).isEqualTo(truth);
    assertThat(r.correctedAccountBalanceV1()).isEqualTo(withoutReversals);
    assertThat(r.liveVersionAfter()).isEqualTo(2);

    RebuildProgressCheck.lastIsCaughtUp(r);
    // The rebuild ran in the server: its projection routes show what the demo printed.
    JsonNode served = get("/projections/bank_statements");
    assertThat(served.path("version").asInt()).isEqualTo(2);
    assertThat(served.path("rebuild").path("status").asText()).isEqualTo("promoted");
    JsonNode statement = get("/projections/bank_statements/lines?accountId=" + account);
    assertThat(statement.path("balance").asLong()).isEqualTo(truth);
    assertThat(printed).contains("rows v1 " + lines.liveRows() + ", v2 " + lines.shadowRows())
        .contains("now ends at " + Demo.Cents.format(truth)).contains("v2 is live");
  }

  @Test
  void streams_listing_pages_through_every_account() throws Exception {
    long accounts = all.stream().filter(e -> e.path("type").asText().equals("AccountOpened")).count();
    List<String> listed = new ArrayList<>();
    String query = "/streams?category=account&limit=100";
    while (true) {
      JsonNode page = get(query);
      page.path("streams").forEach(s -> listed.add(s.path("stream").asText()));
      if (page.path("next").isNull()) {
        break;
      }
      query = "/streams?category=account&limit=100&after=" + page.path("next").asText();
    }
    assertThat(listed).hasSize((int) accounts).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void printed_output_says_where_to_look() {
    assertThat(printed).contains("console   " + base + "/").contains("curl '" + base + "/streams/account-")
        .contains("/audit?correlationId=" + answers.audit().correlationId());
  }

  @Test
  void printed_output_links_the_console_straight_to_the_balance_question() {
    // The console's deep link: the corrected account's stream at the question's moment (annals-e2e opens it).
    assertThat(printed).contains("console   " + base + "/#/stream/account-A0046?at=2026-03-15T14:47:00Z ");
  }

  private static Comparison.TableComparison table(Comparison c, String suffix) {
    return c.tables().stream().filter(t -> t.table().endsWith(suffix)).findFirst().orElseThrow();
  }

  private static final class RebuildProgressCheck {
    static void lastIsCaughtUp(Demo.RebuildAnswer r) {
      assertThat(r.progress()).isNotEmpty();
      assertThat(r.progress().getLast().eventsToGo()).isZero();
      assertThat(r.progress().getLast().eventsDone()).isPositive();
    }
  }

  @Test
  void off_a_terminal_the_progress_is_one_plain_line_per_step_and_the_output_has_no_escape_codes() {
    assertThat(progress.lines().toList()).containsExactly("annals demo: generating the bank's history",
        String.format(java.util.Locale.ROOT, "annals demo: seeding %,d events", all.size()),
        "annals demo: projecting them into 4 read models");
    assertThat(printed + progress).doesNotContain("\u001b").doesNotContain("\r").doesNotContain(" INFO ");
  }

  @Test
  void the_comparison_says_both_versions_read_the_whole_log_and_why_their_stored_positions_differ() {
    Comparison c = answers.rebuild().comparison();
    assertThat(printed).contains(String.format(java.util.Locale.ROOT,
        "    Compare v1 (live) with v2 (shadow); both have read the log to its head, position %,d%n", all.size()))
        .contains(String.format(java.util.Locale.ROOT, "    (stored checkpoints: v1 %,d, v2 %,d; each stores one only"
            + " with a batch of its own events):%n", c.livePosition(), c.shadowPosition()));
  }
}
