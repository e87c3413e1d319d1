package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountCommand;
import dev.annals.cqrs.account.AccountCommand.BackdatedDeposit;
import dev.annals.cqrs.account.AccountCommand.ChargeFee;
import dev.annals.cqrs.account.AccountCommand.CorrectFee;
import dev.annals.cqrs.account.AccountCommand.Deposit;
import dev.annals.cqrs.account.AccountCommand.Open;
import dev.annals.cqrs.account.AccountCommand.WaiveFee;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountState;
import dev.annals.cqrs.account.AccountState.Active;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/time.md: an account, a fee charged too high and corrected later, and a
 * deposit that arrives late. The three questions give three different answers, exactly as documented.
 */
public abstract class TimeTravelExampleContract implements StoreFixture {

  static final String STREAM = "account-7";
  static Instant t(String s) {
    return Instant.parse("2026-03-" + s + ":00Z");
  }

  final MutableClock clock = new MutableClock(t("01T09:00"));
  final EventStore store = newStore(clock);
  final JacksonEventCodec<AccountEvent> codec = Account.codec();
  final CommandHandler<AccountCommand, AccountState, AccountEvent> handler =
      new CommandHandler<>(store, Account.DECIDER, codec);
  final StateQueries<AccountState, AccountEvent> queries =
      new StateQueries<>(store, codec, Account.DECIDER.fold());

  UUID feeEvent;

  @BeforeEach
  void history() {
    at("01T09:00", new Open("ada"));                                   // v1
    at("01T10:00", new Deposit(100));                                  // v2
    at("10T12:00", new ChargeFee("f1", 15));                           // v3: the fee is wrong
    feeEvent = event(3).id();
    at("20T12:00", new CorrectFee("f1", 5, t("10T12:00"), feeEvent));  // v4: should have been 5, since Mar 10
    at("25T12:00", new BackdatedDeposit(50, t("05T12:00")));           // v5: a deposit of Mar 5, learned Mar 25
  }

  @AfterEach
  void close() {
    store.close();
  }

  void at(String time, AccountCommand c) {
    clock.set(t(time));
    handler.handle(STREAM, c, CommandContext.random().withActor("teller"));
  }

  RecordedEvent event(long version) {
    return store.readStream(STREAM, version, Direction.FORWARD, 1).events().get(0);
  }

  static long balance(AccountState s) {
    return ((Active) s).balance();
  }

  @Test
  void state_at_a_version_folds_versions_one_to_n() {
    assertThat(queries.stateAt(STREAM, 0)).isEqualTo(new AccountState.Unopened());
    assertThat(balance(queries.stateAt(STREAM, 2))).isEqualTo(100);
    assertThat(balance(queries.stateAt(STREAM, 3))).isEqualTo(85);
    assertThat(balance(queries.stateAt(STREAM, 4))).isEqualTo(95);
    assertThat(balance(queries.stateAt(STREAM, 5))).isEqualTo(145);
    assertThat(balance(queries.stateAt(STREAM, 99))).isEqualTo(145);
  }

  @Test
  void known_at_shows_what_the_system_said_at_the_time() {
    assertThat(balance(queries.stateKnownAt(STREAM, t("07T00:00")))).isEqualTo(100);  // the Mar 5 deposit unknown yet
    assertThat(balance(queries.stateKnownAt(STREAM, t("15T00:00")))).isEqualTo(85);   // the wrong fee of 15
    assertThat(balance(queries.stateKnownAt(STREAM, t("21T00:00")))).isEqualTo(95);   // corrected to 5
    assertThat(balance(queries.stateKnownAt(STREAM, t("26T00:00")))).isEqualTo(145);
    assertThat(balance(queries.stateKnownAt(STREAM, t("10T12:00")))).as("recordedAt <= T, inclusive").isEqualTo(85);
    assertThat(queries.stateKnownAt(STREAM, t("01T08:59"))).isEqualTo(new AccountState.Unopened());
  }

  @Test
  void the_version_known_at_a_time_is_the_last_one_recorded_by_then() {
    assertThat(queries.versionKnownAt(STREAM, t("01T08:59"))).isZero();
    assertThat(queries.versionKnownAt(STREAM, t("01T09:00"))).isEqualTo(1);
    assertThat(queries.versionKnownAt(STREAM, t("15T00:00"))).isEqualTo(3);
    assertThat(queries.versionKnownAt(STREAM, t("21T00:00"))).isEqualTo(4);
    assertThat(queries.versionKnownAt(STREAM, t("31T00:00"))).isEqualTo(5);
  }

  @Test
  void valid_at_shows_what_was_true_then_as_known_at_a_time() {
    // What was true on Mar 12 ...
    assertThat(balance(queries.stateValidAt(STREAM, t("12T00:00"), t("15T00:00")))).isEqualTo(85);  // ... as believed on Mar 15
    assertThat(balance(queries.stateValidAt(STREAM, t("12T00:00"), t("21T00:00")))).isEqualTo(95);  // ... after the fee correction
    assertThat(balance(queries.stateValidAt(STREAM, t("12T00:00")))).isEqualTo(145);                // ... as known now
    // What was true on Mar 7: the fee was not yet charged, the late deposit was already there.
    assertThat(balance(queries.stateValidAt(STREAM, t("07T00:00")))).isEqualTo(150);
    assertThat(balance(queries.stateValidAt(STREAM, t("07T00:00"), t("21T00:00")))).isEqualTo(100);
  }

  @Test
  void the_three_questions_disagree_about_march_12() {
    Instant mar12 = t("12T00:00");
    long versionKnownOnMar12 = 3;
    assertThat(balance(queries.stateAt(STREAM, versionKnownOnMar12))).isEqualTo(85);
    assertThat(balance(queries.stateKnownAt(STREAM, mar12))).isEqualTo(85);
    assertThat(balance(queries.stateValidAt(STREAM, mar12))).isEqualTo(145);
    assertThat(((Active) queries.stateValidAt(STREAM, mar12)).fees()).isEqualTo(Map.of("f1", 5L));
    assertThat(((Active) queries.stateKnownAt(STREAM, mar12)).fees()).isEqualTo(Map.of("f1", 15L));
  }

  @Test
  void the_valid_at_events_leave_out_the_revoked_fee_and_run_in_effective_order() {
    List<RecordedEvent> events = queries.eventsValidAt(STREAM, t("31T00:00"), t("31T00:00"));
    assertThat(events).extracting(RecordedEvent::version).containsExactly(1L, 2L, 5L, 4L);
    assertThat(events).extracting(RecordedEvent::id).doesNotContain(feeEvent);
  }

  @Test
  void a_waiver_voids_the_fee_in_every_view_from_when_it_is_known() {
    at("28T12:00", new WaiveFee("f1", t("10T12:00"), event(4).id()));  // v6: the fee should never have been charged
    assertThat(balance(queries.stateKnownAt(STREAM, t("27T00:00")))).isEqualTo(145);
    assertThat(balance(queries.stateKnownAt(STREAM, t("29T00:00")))).isEqualTo(150);
    assertThat(balance(queries.stateValidAt(STREAM, t("12T00:00")))).isEqualTo(150);
    assertThat(balance(queries.stateValidAt(STREAM, t("12T00:00"), t("27T00:00")))).isEqualTo(145);
    assertThat(balance(queries.stateAt(STREAM, 6))).isEqualTo(150);
  }

  @Test
  void known_at_uses_the_time_index_and_a_snapshot_instead_of_replaying_the_stream() {
    var snapshots = new SnapshotStore<>(store, Account.stateCodec(1), SnapshotPolicy.everyEvents(100));
    var h = new CommandHandler<>(store, Account.DECIDER, codec, Optional.of(snapshots),
        CommandHandler.Options.defaults(), clock);
    clock.set(t("26T00:00"));
    for (int i = 0; i < 1_000; i++) {
      clock.set(clock.instant().plusSeconds(60));
      h.handle(STREAM, new Deposit(1), CommandContext.random());
    }
    Instant middle = t("26T00:00").plusSeconds(60 * 550 + 30);  // after the 550th of those deposits
    AtomicInteger largest = new AtomicInteger();
    CountingStore counting = new CountingStore(store, largest);
    var counted = new StateQueries<>(counting, codec, Account.DECIDER.fold(),
        new SnapshotStore<>(counting, Account.stateCodec(1), SnapshotPolicy.never()));

    assertThat(balance(counted.stateKnownAt(STREAM, middle))).isEqualTo(145 + 550);
    assertThat(counting.positionAtCalls.get()).isEqualTo(1);
    assertThat(counting.eventsRead.get()).as("events of the stream read").isLessThanOrEqualTo(2 * 55 + 32);
    assertThat(balance(queries.stateKnownAt(STREAM, middle))).isEqualTo(145 + 550);
  }
}
