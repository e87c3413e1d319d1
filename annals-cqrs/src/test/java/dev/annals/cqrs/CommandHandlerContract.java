package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ForwardingEventStore;
import dev.annals.core.EventStore;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountCommand;
import dev.annals.cqrs.account.AccountCommand.Deposit;
import dev.annals.cqrs.account.AccountCommand.Open;
import dev.annals.cqrs.account.AccountCommand.Withdraw;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountEvent.Deposited;
import dev.annals.cqrs.account.AccountState;
import dev.annals.cqrs.account.AccountState.Active;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Command handling on a store: decide, append with the expected version, retry on conflicts, repeated
 * command ids. Run per engine through {@link CqrsContract}.
 */
public abstract class CommandHandlerContract implements StoreFixture {

  static final String STREAM = "account-1";
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  final EventStore store = newStore(clock);
  final CommandHandler<AccountCommand, AccountState, AccountEvent> handler =
      new CommandHandler<>(store, Account.DECIDER, Account.codec());

  @AfterEach
  void close() {
    store.close();
  }

  List<RecordedEvent> stored(String stream) {
    return store.readStream(stream, 1, Direction.FORWARD, 10_000).events();
  }

  static long balance(AccountState s) {
    return ((Active) s).balance();
  }

  CommandHandler<AccountCommand, AccountState, AccountEvent> withSnapshots(SnapshotPolicy policy) {
    return new CommandHandler<>(store, Account.DECIDER, Account.codec(),
        Optional.of(new SnapshotStore<>(store, Account.stateCodec(1), policy)), CommandHandler.Options.defaults(), clock);
  }

  @Test
  void a_command_appends_what_the_decider_emits_and_returns_versions_positions_and_state() {
    var opened = handler.handle(STREAM, new Open("ada"), CommandContext.random());
    var deposited = handler.handle(STREAM, new Deposit(40), CommandContext.random());

    assertThat(opened.events()).containsExactly(new AccountEvent.AccountOpened("ada"));
    assertThat(deposited.events()).containsExactly(new Deposited(40));
    assertThat(deposited.append().orElseThrow().firstVersion()).isEqualTo(2);
    assertThat(deposited.append().orElseThrow().lastPosition()).isEqualTo(2);
    assertThat(deposited.streamVersion()).isEqualTo(2);
    assertThat(balance(deposited.state())).isEqualTo(40);
    assertThat(deposited.repeated()).isFalse();
    assertThat(deposited.attempts()).isEqualTo(1);
    assertThat(stored(STREAM)).extracting(RecordedEvent::type).containsExactly("AccountOpened", "Deposited");
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(40);
  }

  @Test
  void every_event_carries_command_id_correlation_causation_actor_reason_and_schema() {
    Decider<String, Integer, AccountEvent> twoEvents = Decider.of(
        (c, s) -> List.of(new Deposited(1), new AccountEvent.Withdrawn(1)), (s, e) -> s + 1, 0);
    var h = new CommandHandler<>(store, twoEvents, Account.codec());
    UUID commandId = UUID.randomUUID();
    h.handle("acct-2", "go", CommandContext.of(commandId).withCorrelationId("corr-1").withCausationId("cause-1")
        .withActor("alice").withReason("monthly run"));

    List<RecordedEvent> events = stored("acct-2");
    assertThat(events).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode m = events.get(i).metadata().toNode();
      assertThat(m.get("commandId").asText()).isEqualTo(commandId.toString());
      assertThat(m.get("correlationId").asText()).isEqualTo("corr-1");
      assertThat(m.get("causationId").asText()).isEqualTo("cause-1");
      assertThat(m.get("actor").asText()).isEqualTo("alice");
      assertThat(m.get("reason").asText()).isEqualTo("monthly run");
      assertThat(m.has("revokes")).isFalse();
      assertThat(events.get(i).id()).isEqualTo(CommandIds.eventId("acct-2", commandId, i));
    }
    assertThat(events.get(0).metadata().toNode().get("schema").asInt()).isEqualTo(2);
    assertThat(events.get(1).metadata().toNode().get("schema").asInt()).isEqualTo(1);
  }

  @Test
  void without_explicit_ids_correlation_and_causation_are_the_command_id_and_actor_is_absent() {
    UUID commandId = UUID.randomUUID();
    handler.handle(STREAM, new Open("ada"), CommandContext.of(commandId));
    JsonNode m = stored(STREAM).get(0).metadata().toNode();
    assertThat(m.get("correlationId").asText()).isEqualTo(commandId.toString());
    assertThat(m.get("causationId").asText()).isEqualTo(commandId.toString());
    assertThat(m.has("actor")).isFalse();
    assertThat(m.has("reason")).isFalse();
  }

  @Test
  void corrections_carry_their_effective_time_and_revokes() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    clock.advance(Duration.ofDays(9));
    var fee = handler.handle(STREAM, new AccountCommand.ChargeFee("f1", 15), CommandContext.random());
    UUID feeEvent = stored(STREAM).get(1).id();
    Instant chargedAt = fee.append().orElseThrow().recordedAt();
    clock.advance(Duration.ofDays(10));
    handler.handle(STREAM, new AccountCommand.CorrectFee("f1", 5, chargedAt, feeEvent), CommandContext.random());

    RecordedEvent correction = stored(STREAM).get(2);
    assertThat(correction.effectiveAt()).isEqualTo(chargedAt);
    assertThat(correction.recordedAt()).isAfter(chargedAt);
    assertThat(correction.metadata().toNode().get("revokes").get(0).asText()).isEqualTo(feeEvent.toString());
  }

  @Test
  void a_rejected_command_writes_nothing_and_reports_the_reason() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    assertThatThrownBy(() -> handler.handle(STREAM, new Withdraw(5), CommandContext.random()))
        .isInstanceOf(CommandRejectedException.class)
        .satisfies(e -> assertThat(((CommandRejectedException) e).reason()).isEqualTo("insufficient_funds"));
    assertThat(store.streamVersion(STREAM)).isEqualTo(1);
  }

  @Test
  void a_repeated_command_id_writes_nothing_and_returns_the_first_outcome() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    CommandContext ctx = CommandContext.random();
    var first = handler.handle(STREAM, new Deposit(10), ctx);
    var again = handler.handle(STREAM, new Deposit(10), ctx);

    assertThat(again.repeated()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(again.append()).isEqualTo(first.append());
    assertThat(store.streamVersion(STREAM)).isEqualTo(2);
    assertThat(balance(again.state())).isEqualTo(10);
  }

  @Test
  void a_repeated_command_id_after_the_stream_moved_on_still_writes_nothing() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    CommandContext ctx = CommandContext.random();
    var first = handler.handle(STREAM, new Deposit(10), ctx);
    handler.handle(STREAM, new Deposit(5), CommandContext.random());
    handler.handle(STREAM, new Withdraw(15), CommandContext.random());

    var again = handler.handle(STREAM, new Deposit(10), ctx);
    assertThat(again.repeated()).isTrue();
    assertThat(again.append()).isEqualTo(first.append());
    assertThat(again.events()).containsExactly(new Deposited(10));
    assertThat(store.streamVersion(STREAM)).isEqualTo(4);
    assertThat(balance(again.state())).isZero();
  }

  @Test
  void a_repeated_command_that_would_now_be_rejected_returns_its_first_outcome() {
    CommandContext ctx = CommandContext.random();
    var first = handler.handle(STREAM, new Open("ada"), ctx);
    handler.handle(STREAM, new Deposit(5), CommandContext.random());
    var again = handler.handle(STREAM, new Open("ada"), ctx);
    assertThat(again.repeated()).isTrue();
    assertThat(again.append()).isEqualTo(first.append());
    assertThat(store.streamVersion(STREAM)).isEqualTo(2);
  }

  @Test
  void a_repeated_command_whose_first_run_is_hidden_by_a_snapshot_writes_nothing() {
    var h = withSnapshots(SnapshotPolicy.everyEvents(1));
    CommandContext open = CommandContext.random();
    CommandContext deposit = CommandContext.random();
    var firstOpen = h.handle(STREAM, new Open("ada"), open);
    var firstDeposit = h.handle(STREAM, new Deposit(10), deposit);
    h.handle(STREAM, new Deposit(1), CommandContext.random());
    assertThat(h.load(STREAM).snapshot()).isPresent();
    assertThat(h.load(STREAM).eventsAfterSnapshot()).isZero();

    var openAgain = h.handle(STREAM, new Open("ada"), open);       // decide rejects now: history scanned
    var depositAgain = h.handle(STREAM, new Deposit(10), deposit); // decide emits: the store knows the ids
    assertThat(openAgain.repeated()).isTrue();
    assertThat(openAgain.append()).isEqualTo(firstOpen.append());
    assertThat(depositAgain.repeated()).isTrue();
    assertThat(depositAgain.append()).isEqualTo(firstDeposit.append());
    assertThat(store.streamVersion(STREAM)).isEqualTo(3);
  }

  /**
   * A slow first run loads v1; before it appends, another command (v2) and the client's retry of the
   * same command (v3) land. The store hands the slow run the retry's result (versions 3..3): the run
   * answers it as a repeat from a fresh load, and no snapshot is taken from its stale state.
   */
  @Test
  void a_slow_run_overtaken_by_its_own_retry_answers_as_a_repeat_and_snapshots_nothing_stale() {
    var snapshots = new SnapshotStore<>(store, Account.stateCodec(1), SnapshotPolicy.everyEvents(1));
    var other = new CommandHandler<>(store, Account.DECIDER, Account.codec(), Optional.of(snapshots),
        CommandHandler.Options.defaults(), clock);
    other.handle(STREAM, new Open("ada"), CommandContext.random());
    CommandContext ctx = CommandContext.random();
    List<CommandResult<AccountState, AccountEvent>> retry = new ArrayList<>();
    EventStore overtaken = new ForwardingEventStore(store) {
      @Override
      public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
        if (retry.isEmpty()) {
          other.handle(STREAM, new Deposit(100), CommandContext.random());
          retry.add(other.handle(STREAM, new Deposit(7), ctx));
        }
        return super.append(stream, expected, events);
      }
    };
    var slow = new CommandHandler<>(overtaken, Account.DECIDER, Account.codec(), Optional.of(snapshots),
        CommandHandler.Options.defaults(), clock);

    var result = slow.handle(STREAM, new Deposit(7), ctx);

    assertThat(store.streamVersion(STREAM)).isEqualTo(3);
    assertThat(result.repeated()).isTrue();
    assertThat(result.append()).isEqualTo(retry.get(0).append());
    assertThat(result.events()).containsExactly(new Deposited(7));
    assertThat(result.streamVersion()).isEqualTo(3);
    assertThat(balance(result.state())).isEqualTo(107);
    assertThat(snapshots.latest(STREAM, 3).snapshot().orElseThrow().state()).isEqualTo(result.state());
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(107);
  }

  @Test
  void the_same_command_sent_by_many_threads_at_once_is_written_once() throws Exception {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    CommandContext ctx = CommandContext.random();
    List<CommandResult<AccountState, AccountEvent>> results = new java.util.concurrent.CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(6);
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        done.add(pool.submit(() -> {
          start.await(5, TimeUnit.SECONDS);
          results.add(handler.handle(STREAM, new Deposit(10), ctx));
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
    assertThat(store.streamVersion(STREAM)).isEqualTo(2);
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(10);
    assertThat(results).hasSize(6).extracting(CommandResult::append).containsOnly(results.get(0).append());
  }

  @Test
  void the_same_command_id_on_another_stream_is_another_command() {
    CommandContext ctx = CommandContext.random();
    handler.handle("account-a", new Open("ada"), ctx);
    var other = handler.handle("account-b", new Open("bob"), ctx);
    assertThat(other.repeated()).isFalse();
    assertThat(store.streamVersion("account-b")).isEqualTo(1);
  }

  @Test
  void racing_commands_on_one_stream_conflict_and_the_loser_retries_on_fresh_state() throws Exception {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    CyclicBarrier bothDecided = new CyclicBarrier(2);
    AtomicInteger decisions = new AtomicInteger();
    Decider<AccountCommand, AccountState, AccountEvent> slow = Decider.withCorrections((c, s) -> {
      if (decisions.incrementAndGet() <= 2) {
        try {
          bothDecided.await(5, TimeUnit.SECONDS); // both load the same version before either appends
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return Account.decide(c, s);
    }, Account::evolve, new AccountState.Unopened());
    var h = new CommandHandler<>(store, slow, Account.codec());
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<CommandResult<AccountState, AccountEvent>> a = pool.submit(() -> h.handle(STREAM, new Deposit(10), CommandContext.random()));
      Future<CommandResult<AccountState, AccountEvent>> b = pool.submit(() -> h.handle(STREAM, new Deposit(20), CommandContext.random()));
      var ra = a.get(10, TimeUnit.SECONDS);
      var rb = b.get(10, TimeUnit.SECONDS);
      assertThat(List.of(ra.attempts(), rb.attempts())).containsExactlyInAnyOrder(1, 2);
    }
    assertThat(decisions.get()).isEqualTo(3);
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(30);
  }

  @Test
  void many_threads_depositing_on_one_stream_lose_no_update() throws Exception {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    var h = new CommandHandler<>(store, Account.DECIDER, Account.codec(), Optional.empty(),
        new CommandHandler.Options(1_000, Duration.ofMillis(1), 512), clock);
    int threads = 8;
    int each = 25;
    AtomicInteger retries = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            retries.addAndGet(h.handle(STREAM, new Deposit(1), CommandContext.random()).attempts() - 1);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(threads * each);
    assertThat(store.streamVersion(STREAM)).isEqualTo(1 + threads * each);
  }

  @Test
  void concurrent_withdrawals_never_overdraw() throws Exception {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    handler.handle(STREAM, new Deposit(100), CommandContext.random());
    var h = new CommandHandler<>(store, Account.DECIDER, Account.codec(), Optional.empty(),
        new CommandHandler.Options(1_000, Duration.ofMillis(1), 512), clock);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        done.add(pool.submit(() -> {
          try {
            h.handle(STREAM, new Withdraw(10), CommandContext.random());
            accepted.incrementAndGet();
          } catch (CommandRejectedException e) {
            refused.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    assertThat(accepted.get()).isEqualTo(10);
    assertThat(refused.get()).isEqualTo(10);
    assertThat(balance(handler.load(STREAM).state())).isZero();
  }

  @Test
  void retries_are_bounded_and_the_last_conflict_is_thrown() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    AtomicInteger decisions = new AtomicInteger();
    Decider<AccountCommand, AccountState, AccountEvent> contended = Decider.withCorrections((c, s) -> {
      decisions.incrementAndGet();
      // Another writer gets in between every load and append.
      store.append(STREAM, ExpectedVersion.ANY, Account.codec().toEventData(UUID.randomUUID(), new Deposited(1)));
      return Account.decide(c, s);
    }, Account::evolve, new AccountState.Unopened());
    var h = new CommandHandler<>(store, contended, Account.codec(), Optional.empty(),
        new CommandHandler.Options(3, Duration.ZERO, 512), clock);

    assertThatThrownBy(() -> h.handle(STREAM, new Deposit(5), CommandContext.random()))
        .isInstanceOf(WrongExpectedVersionException.class)
        .satisfies(e -> assertThat(((WrongExpectedVersionException) e).actual()).isEqualTo(4));
    assertThat(decisions.get()).isEqualTo(3);
    assertThat(balance(handler.load(STREAM).state())).isEqualTo(3);
  }

  @Test
  void loading_reads_in_pages_not_the_whole_stream_at_once() {
    handler.handle(STREAM, new Open("ada"), CommandContext.random());
    List<EventData> many = new ArrayList<>();
    var codec = Account.codec();
    for (int i = 0; i < 1_000; i++) {
      many.add(codec.toEventData(UUID.randomUUID(), new Deposited(1)));
    }
    store.append(STREAM, ExpectedVersion.ANY, many);
    AtomicInteger largestPage = new AtomicInteger();
    var counting = new CountingStore(store, largestPage);
    var h = new CommandHandler<>(counting, Account.DECIDER, Account.codec(), Optional.empty(),
        new CommandHandler.Options(3, Duration.ZERO, 64), clock);
    assertThat(balance(h.load(STREAM).state())).isEqualTo(1_000);
    assertThat(largestPage.get()).isEqualTo(64);
  }

  @Test
  void a_command_that_emits_nothing_writes_nothing() {
    Decider<String, Integer, AccountEvent> idle = Decider.of((c, s) -> List.of(), (s, e) -> s, 0);
    var r = new CommandHandler<>(store, idle, Account.codec()).handle(STREAM, "noop", CommandContext.random());
    assertThat(r.events()).isEmpty();
    assertThat(r.append()).isEmpty();
    assertThat(store.streamVersion(STREAM)).isZero();
  }

}
