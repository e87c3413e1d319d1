package dev.annals.examples.bank.seed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Metadata;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.StateQueries;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.order.OrderEvent;
import dev.annals.examples.bank.order.OrderState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's history (default config) is generated and imported once for the whole class. */
class HistoryGeneratorTest {

  private static final dev.annals.cqrs.codec.EventCodec<AccountEvent> ACCOUNTS = BankCodecs.accounts();
  private static final dev.annals.cqrs.codec.EventCodec<OrderEvent> ORDERS = BankCodecs.orders();
  private static SeededHistory history;
  private static InMemoryEventStore store;
  private static Map<String, List<RecordedEvent>> streams;

  @BeforeAll
  static void seed() {
    store = new InMemoryEventStore();
    history = HistoryGenerator.seed(store, SeedConfig.defaults());
    streams = new LinkedHashMap<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 5000, Filter.all());
      p.events().forEach(e -> streams.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(e));
      if (p.end()) {
        break;
      }
      from = p.next();
    }
  }

  private static List<RecordedEvent> category(String category) {
    return streams.entrySet().stream().filter(e -> e.getKey().startsWith(category + "-"))
        .flatMap(e -> e.getValue().stream()).toList();
  }

  private static long amount(RecordedEvent e) {
    return e.data().toNode().get("amount").asLong();
  }

  private static String meta(RecordedEvent e, String key) {
    JsonNode v = e.metadata().toNode().get(key);
    return v == null ? "" : v.asText();
  }

  // --- determinism -------------------------------------------------------------------------------

  @Test
  void the_same_seed_gives_the_same_events_and_facts() {
    SeededHistory a = new HistoryGenerator(SeedConfig.small(7)).generate();
    SeededHistory b = new HistoryGenerator(SeedConfig.small(7)).generate();

    assertThat(a.events()).isEqualTo(b.events());
    assertThat(a.facts()).isEqualTo(b.facts());
  }

  @Test
  void another_seed_gives_another_history() {
    SeededHistory a = new HistoryGenerator(SeedConfig.small(7)).generate();
    SeededHistory b = new HistoryGenerator(SeedConfig.small(8)).generate();

    assertThat(a.events()).isNotEqualTo(b.events());
  }

  @Test
  void the_demo_history_has_the_same_fingerprint_on_every_jvm() throws Exception {
    // Pinned: a change here means the demo's history changed (intended or not); update docs/bank.md too.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (ImportEvent ie : history.events()) {
      EventData e = ie.event();
      sha.update((ie.stream() + "|" + e.id() + "|" + e.type() + "|" + e.data() + "|" + e.metadata() + "|"
          + e.effectiveAt().map(Instant::toString).orElse("-") + "|" + ie.recordedAt() + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(DEMO_FINGERPRINT);
  }

  static final String DEMO_FINGERPRINT = "7e357400cecafe838c299b119fa672e47a02e14a604c7687b0ac52be3c1a9b59";

  // --- shape ---------------------------------------------------------------------------------------

  @Test
  void the_demo_history_spans_months_with_hundreds_of_accounts_and_tens_of_thousands_of_events() {
    assertThat(history.events()).hasSizeBetween(20_000, 150_000);
    assertThat(category("account").stream().filter(e -> e.type().equals("AccountOpened"))).hasSize(300);
    List<RecordedEvent> all = streams.values().stream().flatMap(List::stream)
        .sorted(Comparator.comparingLong(RecordedEvent::position)).toList();
    assertThat(all.getFirst().recordedAt()).isBefore(Instant.parse("2026-01-22T00:00:00Z"));
    assertThat(all.getLast().recordedAt()).isAfter(Instant.parse("2026-06-29T00:00:00Z"))
        .isBefore(Instant.parse("2026-07-01T00:00:00Z"));
    assertThat(all).allMatch(e -> meta(e, Metadata.IMPORTED).equals("true"));
  }

  @Test
  void effective_times_are_realistic_salaries_value_dated_and_monthly_fees_back_dated_to_month_end() {
    RecordedEvent salary = category("account").stream()
        .filter(e -> meta(e, Metadata.ACTOR).equals("system:payroll")).findFirst().orElseThrow();
    assertThat(salary.effectiveAt()).isEqualTo(Instant.parse("2026-01-25T00:00:00Z"));
    assertThat(salary.recordedAt()).isEqualTo(Instant.parse("2026-01-25T06:00:00Z"));
    RecordedEvent fee = category("account").stream()
        .filter(e -> e.type().equals("FeeCharged") && e.data().toNode().get("kind").asText().equals("maintenance"))
        .findFirst().orElseThrow();
    assertThat(fee.effectiveAt()).isEqualTo(Instant.parse("2026-01-31T23:59:59Z"));
    assertThat(fee.recordedAt()).isEqualTo(Instant.parse("2026-02-01T02:00:00Z"));
  }

  // --- invariants -----------------------------------------------------------------------------------

  @Test
  void no_account_balance_is_ever_negative() {
    streams.forEach((stream, events) -> {
      if (!stream.startsWith("account-")) {
        return;
      }
      long balance = 0;
      Map<String, Long> fees = new HashMap<>();
      for (RecordedEvent e : events) {
        switch (e.type()) {
          case "Deposited", "Credited", "DebitReversed" -> balance += amount(e);
          case "Withdrawn", "Debited" -> balance -= amount(e);
          case "FeeCharged" -> {
            balance -= amount(e);
            fees.put(e.data().toNode().get("feeId").asText(), amount(e));
          }
          case "FeeReversed" -> balance += fees.remove(e.data().toNode().get("feeId").asText());
          default -> { }
        }
        assertThat(balance).as(stream + " at version " + e.version()).isNotNegative();
      }
      AccountState folded = AccountDecider.fold(events.stream()
          .map(ACCOUNTS::decode).toList());
      assertThat(folded.balance()).as(stream).isEqualTo(balance);
    });
  }

  @Test
  void money_is_conserved_except_deposits_withdrawals_fees_and_order_payments() {
    long inflow = 0;
    long balances = 0;
    Map<String, Long> transferLegs = new HashMap<>();
    for (RecordedEvent e : category("account")) {
      String ref = e.data().toNode().path("reference").asText("");
      switch (e.type()) {
        case "Deposited" -> { inflow += amount(e); balances += amount(e); }
        case "Withdrawn" -> { inflow -= amount(e); balances -= amount(e); }
        case "FeeCharged" -> { inflow -= amount(e); balances -= amount(e); }
        case "FeeReversed" -> { inflow += amount(e); balances += amount(e); }
        case "Debited", "Credited", "DebitReversed" -> {
          long signed = e.type().equals("Debited") ? -amount(e) : amount(e);
          balances += signed;
          if (ref.startsWith("order-")) {
            inflow += signed;
          } else {
            assertThat(ref).startsWith("transfer-");
            transferLegs.merge(ref, signed, Long::sum);
          }
        }
        default -> { }
      }
    }
    assertThat(transferLegs).isNotEmpty();
    assertThat(transferLegs).allSatisfy((ref, net) -> assertThat(net).as(ref).isZero());
    assertThat(balances).isEqualTo(inflow);
  }

  @Test
  void every_transfer_ends_completed_or_failed_with_consistent_legs_and_its_correlation_id() {
    Map<String, Map<String, Integer>> legs = new HashMap<>();
    Map<String, Set<String>> correlations = new HashMap<>();
    for (RecordedEvent e : category("account")) {
      String ref = e.data().toNode().path("reference").asText("");
      if (ref.startsWith("transfer-")) {
        legs.computeIfAbsent(ref, k -> new HashMap<>()).merge(e.type(), 1, Integer::sum);
        correlations.computeIfAbsent(ref, k -> new HashSet<>()).add(meta(e, Metadata.CORRELATION_ID));
      }
    }
    int completed = 0;
    int compensated = 0;
    int refused = 0;
    for (var entry : streams.entrySet()) {
      if (!entry.getKey().startsWith("transfer-")) {
        continue;
      }
      String id = entry.getKey().substring("transfer-".length());
      List<String> types = entry.getValue().stream().map(RecordedEvent::type).toList();
      Map<String, Integer> l = legs.getOrDefault(entry.getKey(), Map.of());
      assertThat(entry.getValue()).allMatch(e -> meta(e, Metadata.CORRELATION_ID).equals(id));
      switch (types.getLast()) {
        case "TransferCompleted" -> {
          completed++;
          assertThat(l).as(id).isEqualTo(Map.of("Debited", 1, "Credited", 1));
        }
        case "TransferFailed" -> {
          if (types.contains("CreditRejected")) {
            compensated++;
            assertThat(l).as(id).isEqualTo(Map.of("Debited", 1, "DebitReversed", 1));
          } else {
            refused++;
            assertThat(l).as(id).isEmpty();
          }
        }
        default -> throw new AssertionError("transfer " + id + " did not finish: " + types);
      }
      if (!l.isEmpty()) {
        assertThat(correlations.get(entry.getKey())).as(id).containsExactly(id);
      }
    }
    assertThat(completed).isGreaterThan(1000);
    assertThat(compensated).isPositive();
    assertThat(refused).isPositive();
  }

  @Test
  void orders_go_through_every_path() {
    Set<String> statuses = new HashSet<>();
    streams.forEach((stream, events) -> {
      if (stream.startsWith("order-")) {
        List<OrderEvent> decoded = events.stream().map(ORDERS::decode).toList();
        OrderState s = OrderDecider.fold(decoded);
        statuses.add(s.status());
        if (s instanceof OrderState.Refunded) {
          statuses.add(decoded.stream().anyMatch(e -> e instanceof OrderEvent.DeliveryConfirmed)
              ? "returned" : "cancelled_then_refunded");
        }
      }
    });
    assertThat(statuses).contains("delivered", "cancelled_then_refunded", "returned", "declined", "shipped");
  }

  // --- the demo's facts ----------------------------------------------------------------------------

  /** Brute force over the raw JSON: the balance of the events given, in the order given. */
  private static long rawFold(List<RecordedEvent> events) {
    long balance = 0;
    Map<String, Long> fees = new HashMap<>();
    for (RecordedEvent e : events) {
      switch (e.type()) {
        case "Deposited", "Credited", "DebitReversed" -> balance += amount(e);
        case "Withdrawn", "Debited" -> balance -= amount(e);
        case "FeeCharged" -> {
          balance -= amount(e);
          fees.put(e.data().toNode().get("feeId").asText(), amount(e));
        }
        case "FeeReversed" -> {
          Long charged = fees.remove(e.data().toNode().get("feeId").asText());
          balance += charged == null ? 0 : charged;
        }
        default -> { }
      }
    }
    return balance;
  }

  @Test
  void the_corrected_account_balance_on_march_15_at_14_47_differs_known_then_and_valid_now_by_the_wrong_fee() {
    DemoFacts f = history.facts();
    Instant t = f.asOf();
    assertThat(t).isEqualTo(Instant.parse("2026-03-15T14:47:00Z"));
    assertThat(f.feeChargedAt()).isBefore(t);
    assertThat(f.correctionRecordedAt()).isAfter(t);
    String stream = AccountDecider.stream(f.correctedAccountId());
    List<RecordedEvent> events = streams.get(stream);

    // known then: version order, recorded at or before T
    long knownThen = rawFold(events.stream().filter(e -> !e.recordedAt().isAfter(t)).toList());
    // valid now: (effectiveAt, version) order, effective at or before T, revoked events left out
    Set<String> revoked = new HashSet<>();
    events.forEach(e -> e.metadata().toNode().path(Metadata.REVOKES).forEach(id -> revoked.add(id.asText())));
    long validNow = rawFold(events.stream()
        .filter(e -> !e.effectiveAt().isAfter(t) && !revoked.contains(e.id().toString()))
        .sorted(Comparator.comparing(RecordedEvent::effectiveAt).thenComparingLong(RecordedEvent::version))
        .toList());

    assertThat(revoked).containsExactly(f.wrongFeeEventId().toString());
    assertThat(validNow - knownThen).isEqualTo(f.wrongFeeAmount()).isEqualTo(35_00);

    StateQueries<AccountState, AccountEvent> queries =
        new StateQueries<>(store, BankCodecs.accounts(), AccountDecider.decider().fold());
    assertThat(queries.stateKnownAt(stream, t).balance()).isEqualTo(knownThen);
    assertThat(queries.stateValidAt(stream, t).balance()).isEqualTo(validNow);
  }

  @Test
  void the_wrong_fee_and_its_correction_are_stored_as_the_facts_say() {
    DemoFacts f = history.facts();
    List<RecordedEvent> events = streams.get(AccountDecider.stream(f.correctedAccountId()));
    RecordedEvent fee = events.stream().filter(e -> e.id().equals(f.wrongFeeEventId())).findFirst().orElseThrow();
    RecordedEvent correction = events.stream().filter(e -> e.type().equals("FeeReversed")).findFirst().orElseThrow();

    assertThat(fee.type()).isEqualTo("FeeCharged");
    assertThat(fee.recordedAt()).isEqualTo(f.feeChargedAt());
    assertThat(correction.recordedAt()).isEqualTo(f.correctionRecordedAt());
    assertThat(correction.effectiveAt()).isEqualTo(f.feeChargedAt());
    assertThat(meta(correction, Metadata.ACTOR)).isEqualTo("ops:m.keller");
    assertThat(meta(correction, Metadata.REASON)).contains("charged in error");
  }

  @Test
  void the_compensated_transfer_shows_its_whole_story_by_correlation_id() {
    String id = history.facts().compensatedTransferId();
    List<String> trail = streams.values().stream().flatMap(List::stream)
        .filter(e -> meta(e, Metadata.CORRELATION_ID).equals(id))
        .sorted(Comparator.comparingLong(RecordedEvent::position)).map(RecordedEvent::type).toList();

    assertThat(trail).containsExactly("TransferRequested", "Debited", "SourceDebited", "CreditRejected",
        "DebitReversed", "TransferFailed");
    assertThat(dev.annals.examples.bank.AuditTrail.byCorrelationId(store, id)).extracting(RecordedEvent::type)
        .isEqualTo(trail);
    assertThat(streams.get("transfer-" + history.facts().completedTransferId()).getLast().type())
        .isEqualTo("TransferCompleted");
    assertThat(streams.get("order-" + history.facts().refundedOrderId()).getLast().type()).isEqualTo("OrderRefunded");
  }
}
