package dev.annals.examples.bank.seed;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.ProcessIds;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderPayments;
import dev.annals.examples.bank.order.OrderState;
import dev.annals.examples.bank.transfer.Terms;
import dev.annals.examples.bank.transfer.TransferProcess;
import dev.annals.examples.bank.transfer.TransferState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Generates months of bank history, deterministically from {@link SeedConfig#seed()}: accounts opened
 * over the first weeks, salaries on the 25th (value-dated at midnight), monthly maintenance fees
 * posted on the 1st and effective at the previous month's last second, daily deposits, withdrawals,
 * transfers (some refused for lack of funds, some compensated because the target had closed), wire
 * fees, orders through every path (delivered, cancelled and refunded, declined, returned), a few
 * accounts closed — and the demo's story: an overdraft fee charged in error on one account on
 * 2026-03-12, corrected on 2026-03-18 with {@code effectiveAt} 2026-03-12 and {@code revokes}.
 *
 * <p>Every command goes through the bank's deciders and processes ({@link TransferProcess},
 * {@link OrderPayments}) on a {@link SimulatedBank}, so the events, their ids and metadata are the
 * ones live commands would write. Randomness comes from {@code L64X128MixRandom}, a fixed algorithm,
 * and command ids are name-based, so the same seed gives the same events on every JVM.
 *
 * <p>Not thread-safe; {@link #generate()} may be called again and returns an equal history.
 */
public final class HistoryGenerator {

  /** The demo's instant: March 15 at 14:47 UTC. */
  public static final Instant AS_OF = Instant.parse("2026-03-15T14:47:00Z");
  /** The random algorithm; fixed so every JVM draws the same numbers. */
  public static final String ALGORITHM = "L64X128MixRandom";

  static final Instant FEE_CHARGED_AT = Instant.parse("2026-03-12T09:30:00Z");
  static final Instant FEE_CORRECTED_AT = Instant.parse("2026-03-18T10:05:00Z");
  static final long WRONG_FEE = 35_00;
  private static final Instant QUIET_FROM = Instant.parse("2026-03-10T00:00:00Z");
  private static final Instant QUIET_UNTIL = Instant.parse("2026-03-20T00:00:00Z");
  private static final Instant TARGET_CLOSES_AT = Instant.parse("2026-03-25T16:00:00Z");
  private static final Instant COMPENSATED_AT = Instant.parse("2026-04-02T10:15:00Z");
  private static final long MAINTENANCE_FEE = 2_50;
  private static final long WIRE_FEE = 4_00;

  private static final List<String> FIRST = List.of("Ada", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo",
      "Ines", "Jonas", "Kira", "Liam", "Mei", "Noah", "Olga", "Pavel", "Rosa", "Sami", "Tara", "Ugo", "Vera",
      "Wim", "Yara", "Zoe");
  private static final List<String> LAST = List.of("Abbott", "Becker", "Costa", "Dubois", "Eriksen", "Fischer",
      "Garcia", "Hansen", "Ivanova", "Jansen", "Keller", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov",
      "Rossi", "Schmidt", "Tanaka", "Urban", "Vogel", "Weber");
  private static final List<String> ITEMS = List.of("headphones", "coffee beans", "running shoes", "desk lamp",
      "novel", "backpack", "phone case", "kettle", "board game", "rain jacket", "yoga mat", "printer ink");

  private final SeedConfig config;

  public HistoryGenerator(SeedConfig config) {
    this.config = config;
  }

  /** Generates the history of {@code config} and imports it into {@code store} (fresh) in chunks of 1,000. */
  public static SeededHistory seed(EventStore store, SeedConfig config) {
    SeededHistory history = new HistoryGenerator(config).generate();
    history.importInto(store, 1000);
    return history;
  }

  /** The account id of account number {@code n} (1-based): {@code A0001}. */
  public static String accountId(int n) {
    return String.format("A%04d", n);
  }

  public SeededHistory generate() {
    return new Run().generate();
  }

  private record Action(Instant at, long seq, Runnable step) {}

  /** One generation: all mutable state lives here. */
  private final class Run {
    private final RandomGenerator rng = RandomGeneratorFactory.of(ALGORITHM).create(config.seed());
    private final PriorityQueue<Action> queue =
        new PriorityQueue<>(Comparator.comparing(Action::at).thenComparingLong(Action::seq));
    private final Instant end = config.lastDay().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    private Instant now = config.firstDay().atStartOfDay().toInstant(ZoneOffset.UTC);
    private final SimulatedBank bank = new SimulatedBank(() -> now);
    private final TransferProcess transfers = new TransferProcess(bank);
    private final OrderPayments payments = new OrderPayments(bank);
    private final List<String> accounts = new ArrayList<>();
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, Long> salaries = new HashMap<>();
    private long seq;
    private long commands;
    private int transferCount;
    private int orderCount;
    private final String corrected;
    private final String closingTarget;
    private final UUID wrongFeeId;
    private final UUID wrongFeeCommand;
    private Optional<String> completedTransfer = Optional.empty();
    private Optional<String> compensatedTransfer = Optional.empty();
    private Optional<String> refundedOrder = Optional.empty();

    Run() {
      for (int i = 1; i <= config.accounts(); i++) {
        String id = accountId(i);
        accounts.add(id);
        owners.put(id, FIRST.get(rng.nextInt(FIRST.size())) + " " + LAST.get(rng.nextInt(LAST.size())));
        if (rng.nextDouble() < 0.7) {
          salaries.put(id, cents(1500, 6000));
        }
      }
      corrected = accounts.get(rng.nextInt(accounts.size() / 2));
      closingTarget = accounts.get(accounts.size() / 2 + rng.nextInt(accounts.size() / 2));
      wrongFeeId = id("wrong-fee");
      wrongFeeCommand = id("wrong-fee-command");
    }

    SeededHistory generate() {
      planOpenings();
      planMonthly();
      planClosures();
      planDemoStory();
      for (LocalDate d = config.firstDay(); !d.isAfter(config.lastDay()); d = d.plusDays(1)) {
        LocalDate day = d;
        at(day.atStartOfDay().toInstant(ZoneOffset.UTC), () -> planDay(day));
      }
      while (!queue.isEmpty()) {
        Action a = queue.poll();
        if (!a.at().isBefore(end)) {
          break;
        }
        now = a.at();
        a.step().run();
      }
      DemoFacts facts = new DemoFacts(AS_OF, corrected, wrongFeeId,
          ProcessIds.firstEvent(AccountDecider.stream(corrected), wrongFeeCommand), WRONG_FEE, FEE_CHARGED_AT,
          FEE_CORRECTED_AT, completedTransfer.orElseThrow(), compensatedTransfer.orElseThrow(),
          refundedOrder.orElseThrow());
      return new SeededHistory(bank.written(), facts);
    }

    // --- plans ---------------------------------------------------------------------------------

    private void planOpenings() {
      Instant first = config.firstDay().atStartOfDay().toInstant(ZoneOffset.UTC);
      for (String id : accounts) {
        Instant t = first.plus(Duration.ofDays(rng.nextInt(21))).plus(businessTime());
        long initial = cents(200, 5000);
        at(t, () -> {
          CommandContext c = customer(id);
          bank.account(id, new AccountCommand.Open(id, owners.get(id)), c);
          bank.account(id, new AccountCommand.Deposit(initial), customer(id).withReason("initial deposit"));
        });
      }
    }

    private void planMonthly() {
      for (LocalDate m = config.firstDay().withDayOfMonth(1); !m.isAfter(config.lastDay()); m = m.plusMonths(1)) {
        LocalDate month = m;
        Instant payday = month.withDayOfMonth(25).atStartOfDay().toInstant(ZoneOffset.UTC);
        at(payday.plus(Duration.ofHours(6)), () -> {
          for (String id : accounts) {
            Long salary = salaries.get(id);
            if (salary != null && isOpen(id)) {
              attempt(() -> bank.account(id, new AccountCommand.Deposit(salary, Optional.of(payday)),
                  context("system:payroll").withReason("salary " + month.getMonth())));
            }
          }
        });
        if (month.isAfter(config.firstDay())) {
          Instant monthEnd = month.atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
          at(month.atStartOfDay().toInstant(ZoneOffset.UTC).plus(Duration.ofHours(2)), () -> {
            for (String id : accounts) {
              if (isOpen(id)) {
                attempt(() -> bank.account(id, new AccountCommand.ChargeFee(id("fee"), "maintenance",
                    MAINTENANCE_FEE, Optional.of(monthEnd)), context("system:fees")
                    .withReason("monthly maintenance fee")));
              }
            }
          });
        }
      }
    }

    private void planClosures() {
      at(TARGET_CLOSES_AT, () -> closeAccount(closingTarget));
      int more = Math.max(1, accounts.size() / 40);
      for (int i = 0; i < more; i++) {
        String id = accounts.get(rng.nextInt(accounts.size()));
        Instant t = Instant.parse("2026-02-15T00:00:00Z").plus(Duration.ofDays(rng.nextInt(90))).plus(businessTime());
        if (!id.equals(corrected)) {
          at(t, () -> closeAccount(id));
        }
      }
    }

    private void closeAccount(String id) {
      long balance = bank.loadAccount(id).state().balance();
      if (!isOpen(id)) {
        return;
      }
      if (balance > 0) {
        bank.account(id, new AccountCommand.Withdraw(balance), customer(id).withReason("closing the account"));
      }
      bank.account(id, new AccountCommand.Close(), customer(id));
    }

    private void planDemoStory() {
      at(FEE_CHARGED_AT.minus(Duration.ofDays(1)), () -> bank.account(corrected, new AccountCommand.Deposit(500_00),
          customer(corrected)));
      at(FEE_CHARGED_AT, () -> bank.account(corrected,
          new AccountCommand.ChargeFee(wrongFeeId, "overdraft", WRONG_FEE, Optional.empty()),
          CommandContext.of(wrongFeeCommand).withActor("system:fees").withReason("overdraft fee")));
      at(FEE_CORRECTED_AT, () -> bank.account(corrected,
          new AccountCommand.ReverseFee(wrongFeeId,
              ProcessIds.firstEvent(AccountDecider.stream(corrected), wrongFeeCommand), FEE_CHARGED_AT),
          context("ops:m.keller").withReason("overdraft fee charged in error: the account was never overdrawn")));
      at(COMPENSATED_AT, () -> {
        String from = richestOpen();
        String transferId = nextTransferId();
        TransferState s = transfers.start(new Terms(transferId, from, closingTarget, 120_00), customer(from));
        if (s instanceof TransferState.Failed f && f.refunded()) {
          compensatedTransfer = Optional.of(transferId);
        }
      });
    }

    private void planDay(LocalDate day) {
      Instant midnight = day.atStartOfDay().toInstant(ZoneOffset.UTC);
      for (int i = 0; i < config.activitiesPerDay(); i++) {
        double kind = rng.nextDouble();
        at(midnight.plus(businessTime()), () -> activity(kind));
      }
    }

    // --- activities -----------------------------------------------------------------------------

    private void activity(double kind) {
      Optional<String> who = randomCustomer();
      if (who.isEmpty()) {
        return;
      }
      String id = who.get();
      long balance = bank.loadAccount(id).state().balance();
      if (kind < 0.22) {
        long amount = cents(20, 800);
        Optional<Instant> valueDate = rng.nextDouble() < 0.1
            ? Optional.of(now.minus(Duration.ofDays(1 + rng.nextInt(2)))) : Optional.empty();
        attempt(() -> bank.account(id, new AccountCommand.Deposit(amount, valueDate), customer(id)));
      } else if (kind < 0.40) {
        long amount = rng.nextDouble() < 0.1 ? balance + cents(1, 100) : Math.max(10_00, balance * rng.nextInt(5, 40) / 100);
        attempt(() -> bank.account(id, new AccountCommand.Withdraw(amount), customer(id)));
      } else if (kind < 0.75) {
        transfer(id, balance);
      } else if (kind < 0.95) {
        order(id);
      } else {
        attempt(() -> bank.account(id, new AccountCommand.ChargeFee(id("fee"), "wire", WIRE_FEE, Optional.empty()),
            context("system:fees").withReason("wire fee")));
      }
    }

    private void transfer(String from, long balance) {
      String to = rng.nextDouble() < 0.04 ? accounts.get(rng.nextInt(accounts.size()))
          : randomCustomer().orElse(from);
      if (to.equals(from) || isQuiet(to)) {
        return;
      }
      long amount = rng.nextDouble() < 0.08 ? balance + cents(5, 300)
          : Math.max(1_00, Math.min(2000_00, balance * rng.nextInt(2, 50) / 100));
      String transferId = nextTransferId();
      TransferState s = transfers.start(new Terms(transferId, from, to, amount), customer(from));
      if (s instanceof TransferState.Completed && completedTransfer.isEmpty() && now.isAfter(AS_OF)) {
        completedTransfer = Optional.of(transferId);
      }
    }

    private void order(String accountId) {
      String orderId = String.format("O%06d", ++orderCount);
      String item = ITEMS.get(rng.nextInt(ITEMS.size()));
      long amount = cents(5, 250);
      bank.order(orderId, new OrderCommand.Place(orderId, accountId, item, amount), customer(accountId));
      if (!(payments.pay(orderId) instanceof OrderState.Paid)) {
        return;
      }
      double path = rng.nextDouble();
      if (path < 0.08) {
        Instant cancelAt = now.plus(Duration.ofMinutes(30 + rng.nextInt(300)));
        at(cancelAt, () -> bank.order(orderId, new OrderCommand.Cancel("customer changed their mind"),
            customer(accountId)));
        at(cancelAt.plus(Duration.ofHours(20 + rng.nextInt(30))), () -> refund(orderId, "order cancelled"));
        return;
      }
      Instant shipAt = now.plus(Duration.ofHours(18 + rng.nextInt(40)));
      Instant deliverAt = shipAt.plus(Duration.ofHours(40 + rng.nextInt(60)));
      String tracking = String.format("TRK%08d", rng.nextInt(100_000_000));
      at(shipAt, () -> bank.order(orderId, new OrderCommand.Ship(tracking), context("warehouse:east")));
      at(deliverAt, () -> bank.order(orderId, new OrderCommand.ConfirmDelivery(), context("courier:fastpost")));
      if (path < 0.13) {
        at(deliverAt.plus(Duration.ofDays(5 + rng.nextInt(5))), () -> refund(orderId, "item returned"));
      }
    }

    private void refund(String orderId, String reason) {
      if (payments.refund(orderId, reason) instanceof OrderState.Refunded && refundedOrder.isEmpty()) {
        refundedOrder = Optional.of(orderId);
      }
    }

    // --- helpers --------------------------------------------------------------------------------

    private void at(Instant t, Runnable step) {
      queue.add(new Action(t, seq++, step));
    }

    /** Runs a command that the rules may refuse (an overdraw, a fee on an empty account): refused writes nothing. */
    private void attempt(Runnable command) {
      try {
        command.run();
      } catch (RejectedException refused) {
        // the bank said no; nothing was written, as in real life
      }
    }

    private Optional<String> randomCustomer() {
      for (int tries = 0; tries < 20; tries++) {
        String id = accounts.get(rng.nextInt(accounts.size()));
        if (isOpen(id) && !isQuiet(id)) {
          return Optional.of(id);
        }
      }
      return Optional.empty();
    }

    /** The demo account stays out of random activity around the demo instant, so its story is exact. */
    private boolean isQuiet(String id) {
      return id.equals(corrected) && !now.isBefore(QUIET_FROM) && now.isBefore(QUIET_UNTIL);
    }

    private boolean isOpen(String id) {
      return bank.loadAccount(id).state() instanceof AccountState.Open;
    }

    private String richestOpen() {
      String best = accounts.get(0);
      long most = -1;
      for (String id : accounts) {
        long b = bank.loadAccount(id).state().balance();
        if (isOpen(id) && !id.equals(corrected) && b > most) {
          best = id;
          most = b;
        }
      }
      return best;
    }

    private String nextTransferId() {
      return String.format("T%06d", ++transferCount);
    }

    private Duration businessTime() {
      return Duration.ofSeconds(7 * 3600 + rng.nextInt(15 * 3600)).plusMillis(rng.nextInt(1000));
    }

    private long cents(int minUnits, int maxUnits) {
      return rng.nextLong(minUnits * 100L, maxUnits * 100L + 1);
    }

    private UUID id(String kind) {
      return UUID.nameUUIDFromBytes(("annals-bank-seed:" + config.seed() + ":" + kind + ":" + (commands++))
          .getBytes(StandardCharsets.UTF_8));
    }

    private CommandContext customer(String accountId) {
      return context("customer:" + owners.get(accountId).toLowerCase(java.util.Locale.ROOT).replace(' ', '.'));
    }

    private CommandContext context(String actor) {
      return CommandContext.of(id("command")).withActor(actor);
    }
  }
}
