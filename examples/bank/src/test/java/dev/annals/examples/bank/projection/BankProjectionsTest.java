package dev.annals.examples.bank.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.order.OrderEvent;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.examples.bank.seed.SeededHistory;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read models over a seeded history, on SQLite, against folds of the raw events. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BankProjectionsTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final EventCodec<AccountEvent> ACCOUNTS = BankCodecs.accounts();
  private static final EventCodec<OrderEvent> ORDERS = BankCodecs.orders();

  @TempDir
  static Path dir;

  private static final InMemoryEventStore store = new InMemoryEventStore();
  private static SeededHistory history;
  private static JdbcTarget target;
  private static final List<AsyncProjectionRunner<JdbcSession>> runners = new ArrayList<>();
  private static final Map<String, List<RecordedEvent>> streams = new LinkedHashMap<>();

  /** Seeded and projected once; only the last test (the rebuild) changes the statements' live version. */
  @BeforeAll
  static void seedAndProject() throws Exception {
    history = HistoryGenerator.seed(store, SeedConfig.small(11));
    target = JdbcTarget.sqlite(dir);
    for (Projection<JdbcSession> p : BankProjections.initial()) {
      runners.add(AsyncProjectionRunner.start(store, p, target, RunnerOptions.defaults()));
    }
    for (AsyncProjectionRunner<JdbcSession> r : runners) {
      assertThat(r.awaitPosition(store.headPosition(), WAIT)).as(r.id().toString()).isTrue();
    }
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

  @AfterAll
  static void close() {
    runners.forEach(AsyncProjectionRunner::close);
    target.close();
  }

  private static Map<String, AccountState> accountFolds() {
    Map<String, AccountState> out = new TreeMap<>();
    streams.forEach((s, events) -> {
      if (s.startsWith("account-")) {
        out.put(s.substring("account-".length()), AccountDecider.fold(events.stream().map(ACCOUNTS::decode).toList()));
      }
    });
    return out;
  }

  @Test
  void balances_equal_the_fold_of_every_account() throws Exception {
    try (Connection c = target.openReader()) {
      BankReadModels rm = new BankReadModels(c);
      Map<String, Long> projected = new TreeMap<>();
      rm.balances().forEach(b -> projected.put(b.accountId(), b.balance()));
      Map<String, Long> folded = new TreeMap<>();
      accountFolds().forEach((id, s) -> folded.put(id, s.balance()));
      assertThat(projected).isEqualTo(folded);
      accountFolds().forEach((id, s) -> assertThat(rm.balance(id).orElseThrow().status())
          .isEqualTo(s instanceof AccountState.Closed ? "closed" : "open"));
    }
  }

  /**
   * The balances read model built valid at a moment (AsOfBuild.buildValidAt) equals every account's
   * stateValidAt there, at moments around the seeded fee correction: a reversal that revokes its fee
   * gives nothing back when the fee is left out (v1 counted it twice).
   */
  @Test
  void balances_valid_at_a_moment_equal_every_accounts_valid_at_fold() throws Exception {
    java.util.List<java.time.Instant> moments = java.util.List.of(history.facts().asOf(),
        history.facts().asOf().minus(Duration.ofDays(3)), java.time.Instant.MAX);
    for (java.time.Instant v : moments) {
      Map<String, Long> folded = new TreeMap<>();
      streams.forEach((s, events) -> {
        if (s.startsWith("account-")) {
          List<RecordedEvent> valid = dev.annals.core.TimeViews.validAt(events, v, java.time.Instant.MAX);
          if (!valid.isEmpty()) {
            folded.put(s.substring("account-".length()),
                AccountDecider.fold(valid.stream().map(ACCOUNTS::decode).toList()).balance());
          }
        }
      });
      Path scratch = java.nio.file.Files.createTempDirectory(dir, "valid-at-");
      try (JdbcTarget t = JdbcTarget.sqlite(scratch)) {
        new dev.annals.cqrs.projection.AsOfBuild(store, RunnerOptions.defaults())
            .buildValidAt(BankProjections.balances(), t, v, java.time.Instant.MAX);
        try (Connection c = t.openReader()) {
          Map<String, Long> projected = new TreeMap<>();
          new BankReadModels(c).balances().forEach(b -> projected.put(b.accountId(), b.balance()));
          assertThat(projected).as("valid at %s", v).isEqualTo(folded);
        }
      }
    }
  }

  @Test
  void orders_by_status_equal_the_fold_of_every_order() throws Exception {
    Map<String, Long> folded = new TreeMap<>();
    streams.forEach((s, events) -> {
      if (s.startsWith("order-")) {
        folded.merge(OrderDecider.fold(events.stream().map(ORDERS::decode).toList()).status(), 1L, Long::sum);
      }
    });
    try (Connection c = target.openReader()) {
      assertThat(new TreeMap<>(new BankReadModels(c).ordersByStatus())).isEqualTo(folded);
    }
  }

  @Test
  void daily_deposits_and_net_fees_equal_the_raw_sums_per_effective_day() throws Exception {
    Map<String, long[]> raw = new TreeMap<>();
    Map<String, Long> feeAmounts = new HashMap<>();
    streams.forEach((s, events) -> {
      if (!s.startsWith("account-")) {
        return;
      }
      for (RecordedEvent e : events) {
        String day = e.effectiveAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
        long[] t = raw.computeIfAbsent(day, k -> new long[2]);
        switch (ACCOUNTS.decode(e)) {
          case AccountEvent.Deposited d -> t[0] += d.amount();
          case AccountEvent.FeeCharged f -> t[1] += f.amount();
          case AccountEvent.FeeReversed r -> t[1] -= r.amount();
          default -> { }
        }
      }
    });
    try (Connection c = target.openReader()) {
      Map<String, long[]> projected = new TreeMap<>();
      new BankReadModels(c).dailyTotals("2000-01-01", "2100-01-01")
          .forEach(d -> projected.put(d.day(), new long[] {d.deposits(), d.fees()}));
      assertThat(projected.keySet()).isEqualTo(raw.keySet());
      raw.forEach((day, t) -> assertThat(projected.get(day)).as(day).containsExactly(t));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void statement_v1_ignores_the_fee_reversal_and_the_v2_rebuild_fixes_it_without_downtime() throws Exception {
    String account = history.facts().correctedAccountId();
    long truth = accountFolds().get(account).balance();
    try (Connection c = target.openReader()) {
      List<BankReadModels.StatementLine> v1 = new BankReadModels(c).statement(account);
      assertThat(v1.getLast().balanceAfter()).isEqualTo(truth - history.facts().wrongFeeAmount());
      assertThat(v1).noneMatch(l -> l.kind().equals("FeeReversed"));
    }

    AsyncProjectionRunner<JdbcSession> v1Runner = runners.stream()
        .filter(r -> r.id().name().equals(BankProjections.STATEMENTS)).findFirst().orElseThrow();
    Rebuild<JdbcSession> rebuild = Rebuild.start(store, target, BankProjections.statementsV2(), RunnerOptions.defaults());
    assertThat(rebuild.awaitCaughtUp(WAIT)).isTrue();
    assertThat(rebuild.progress().caughtUp()).isTrue();
    try (Connection c = target.openReader()) { // v1 still serves while v2 is built
      assertThat(new BankReadModels(c).statement(account).getLast().balanceAfter())
          .isEqualTo(truth - history.facts().wrongFeeAmount());
    }

    Comparison diff = rebuild.compare(BankProjections.statementsV1(), 5);
    assertThat(diff.identical()).isFalse();

    AsyncProjectionRunner<JdbcSession> v2Runner = rebuild.promote(v1Runner, BankProjections.statementsV1(), WAIT);
    runners.remove(v1Runner);
    runners.add(v2Runner);
    assertThat(target.liveVersion(BankProjections.STATEMENTS)).contains(2);
    try (Connection c = target.openReader()) {
      List<BankReadModels.StatementLine> v2 = new BankReadModels(c).statement(account);
      assertThat(v2.getLast().balanceAfter()).isEqualTo(truth);
      assertThat(v2).anyMatch(l -> l.kind().equals("FeeReversed") && l.amount() == history.facts().wrongFeeAmount());
      assertThat(v2).anyMatch(l -> l.kind().equals("FeeCharged") && l.reversed()
          && l.reference().equals(history.facts().wrongFeeId().toString()));
      // every account's statement now ends at its true balance
      Map<String, AccountState> folds = accountFolds();
      BankReadModels rm = new BankReadModels(c);
      folds.forEach((id, s) -> {
        List<BankReadModels.StatementLine> lines = rm.statement(id);
        assertThat(lines.isEmpty() ? 0 : lines.getLast().balanceAfter()).as(id).isEqualTo(s.balance());
      });
    }
  }
}
