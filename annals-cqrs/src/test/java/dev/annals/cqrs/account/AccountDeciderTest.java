package dev.annals.cqrs.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.cqrs.CommandRejectedException;
import dev.annals.cqrs.Emitted;
import dev.annals.cqrs.account.AccountCommand.BackdatedDeposit;
import dev.annals.cqrs.account.AccountCommand.ChargeFee;
import dev.annals.cqrs.account.AccountCommand.Close;
import dev.annals.cqrs.account.AccountCommand.CorrectFee;
import dev.annals.cqrs.account.AccountCommand.Deposit;
import dev.annals.cqrs.account.AccountCommand.Open;
import dev.annals.cqrs.account.AccountCommand.WaiveFee;
import dev.annals.cqrs.account.AccountCommand.Withdraw;
import dev.annals.cqrs.account.AccountEvent.AccountClosed;
import dev.annals.cqrs.account.AccountEvent.AccountOpened;
import dev.annals.cqrs.account.AccountEvent.Deposited;
import dev.annals.cqrs.account.AccountEvent.FeeCharged;
import dev.annals.cqrs.account.AccountEvent.FeeWaived;
import dev.annals.cqrs.account.AccountEvent.Withdrawn;
import dev.annals.cqrs.account.AccountState.Active;
import dev.annals.cqrs.account.AccountState.Closed;
import dev.annals.cqrs.account.AccountState.Unopened;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each transition of the example decider: what decide emits or refuses, and what evolve makes of it. */
class AccountDeciderTest {

  static final Instant MARCH_10 = Instant.parse("2026-03-10T12:00:00Z");
  final Active open = new Active("ada", 100, Map.of());
  final Active withFee = new Active("ada", 100, Map.of("f1", 15L));

  static List<AccountEvent> events(List<Emitted<AccountEvent>> emitted) {
    return emitted.stream().map(Emitted::event).toList();
  }

  static String rejection(AccountCommand c, AccountState s) {
    try {
      Account.decide(c, s);
    } catch (CommandRejectedException e) {
      return e.reason();
    }
    throw new AssertionError("not rejected: " + c + " on " + s);
  }

  @Test
  void open_on_an_unopened_account_emits_opened_and_evolves_to_active() {
    var out = Account.decide(new Open("ada"), new Unopened());
    assertThat(events(out)).containsExactly(new AccountOpened("ada"));
    assertThat(Account.evolve(new Unopened(), new AccountOpened("ada"))).isEqualTo(new Active("ada", 0, Map.of()));
  }

  @Test
  void open_is_refused_on_an_open_or_closed_account() {
    assertThat(rejection(new Open("bob"), open)).isEqualTo("already_open");
    assertThat(rejection(new Open("bob"), new Closed("ada"))).isEqualTo("closed");
  }

  @Test
  void deposit_emits_deposited_which_adds_to_credits() {
    assertThat(events(Account.decide(new Deposit(30), open))).containsExactly(new Deposited(30));
    assertThat(Account.evolve(open, new Deposited(30))).isEqualTo(new Active("ada", 130, Map.of()));
  }

  @Test
  void deposit_is_refused_before_opening_after_closing_and_for_non_positive_amounts() {
    assertThat(rejection(new Deposit(30), new Unopened())).isEqualTo("not_open");
    assertThat(rejection(new Deposit(30), new Closed("ada"))).isEqualTo("closed");
    assertThat(rejection(new Deposit(0), open)).isEqualTo("invalid_amount");
    assertThat(rejection(new Deposit(-5), open)).isEqualTo("invalid_amount");
  }

  @Test
  void backdated_deposit_emits_deposited_effective_in_the_past() {
    var out = Account.decide(new BackdatedDeposit(50, MARCH_10), open);
    assertThat(out).containsExactly(Emitted.<AccountEvent>of(new Deposited(50)).effectiveAt(MARCH_10));
  }

  @Test
  void withdraw_emits_withdrawn_within_the_balance_and_is_refused_beyond_it() {
    assertThat(events(Account.decide(new Withdraw(85), withFee))).containsExactly(new Withdrawn(85));
    assertThat(rejection(new Withdraw(86), withFee)).isEqualTo("insufficient_funds");
    assertThat(Account.evolve(withFee, new Withdrawn(85))).isEqualTo(new Active("ada", 15, Map.of("f1", 15L)));
  }

  @Test
  void charge_fee_emits_fee_charged_and_refuses_a_fee_id_twice() {
    assertThat(events(Account.decide(new ChargeFee("f1", 15), open))).containsExactly(new FeeCharged("f1", 15));
    assertThat(rejection(new ChargeFee("f1", 15), withFee)).isEqualTo("duplicate_fee");
    assertThat(((Active) Account.evolve(open, new FeeCharged("f1", 15))).balance()).isEqualTo(85);
  }

  @Test
  void correct_fee_re_states_the_fee_effective_in_the_past_and_revokes_the_wrong_event() {
    UUID wrong = UUID.randomUUID();
    var out = Account.decide(new CorrectFee("f1", 5, MARCH_10, wrong), withFee);
    assertThat(out).containsExactly(
        Emitted.<AccountEvent>of(new FeeCharged("f1", 5)).effectiveAt(MARCH_10).revoking(wrong));
    assertThat(((Active) Account.evolve(withFee, new FeeCharged("f1", 5))).balance()).isEqualTo(95);
    assertThat(rejection(new CorrectFee("f9", 5, MARCH_10, wrong), withFee)).isEqualTo("unknown_fee");
  }

  @Test
  void waive_fee_removes_the_fee_and_revokes_its_event() {
    UUID feeEvent = UUID.randomUUID();
    var out = Account.decide(new WaiveFee("f1", MARCH_10, feeEvent), withFee);
    assertThat(out).containsExactly(
        Emitted.<AccountEvent>of(new FeeWaived("f1")).effectiveAt(MARCH_10).revoking(feeEvent));
    assertThat(Account.evolve(withFee, new FeeWaived("f1"))).isEqualTo(open);
    assertThat(rejection(new WaiveFee("f1", MARCH_10, feeEvent), open)).isEqualTo("unknown_fee");
  }

  @Test
  void close_needs_a_zero_balance_and_evolves_to_closed() {
    assertThat(rejection(new Close(), open)).isEqualTo("balance_not_zero");
    Active empty = new Active("ada", 0, Map.of());
    assertThat(events(Account.decide(new Close(), empty))).containsExactly(new AccountClosed());
    assertThat(Account.evolve(empty, new AccountClosed())).isEqualTo(new Closed("ada"));
  }

  @Test
  void events_that_do_not_apply_to_a_state_leave_it_unchanged() {
    // Valid-at folds run in effective order, where a backdated deposit may precede the opening.
    assertThat(Account.evolve(new Unopened(), new Deposited(5))).isEqualTo(new Unopened());
    assertThat(Account.evolve(new Closed("ada"), new FeeCharged("f1", 1))).isEqualTo(new Closed("ada"));
    assertThat(Account.evolve(open, new AccountOpened("bob"))).isEqualTo(open);
  }

  @Test
  void a_fee_waived_after_being_left_out_changes_nothing() {
    // In the valid-at view the revoked FeeCharged is left out and FeeWaived still runs: it must be harmless.
    assertThat(Account.evolve(open, new FeeWaived("f1"))).isEqualTo(open);
  }
}
