package dev.annals.examples.bank.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.cqrs.Emitted;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.account.AccountCommand.ChargeFee;
import dev.annals.examples.bank.account.AccountCommand.Close;
import dev.annals.examples.bank.account.AccountCommand.Credit;
import dev.annals.examples.bank.account.AccountCommand.Debit;
import dev.annals.examples.bank.account.AccountCommand.Deposit;
import dev.annals.examples.bank.account.AccountCommand.Open;
import dev.annals.examples.bank.account.AccountCommand.ReverseDebit;
import dev.annals.examples.bank.account.AccountCommand.ReverseFee;
import dev.annals.examples.bank.account.AccountCommand.Withdraw;
import dev.annals.examples.bank.account.AccountEvent.AccountClosed;
import dev.annals.examples.bank.account.AccountEvent.AccountOpened;
import dev.annals.examples.bank.account.AccountEvent.Credited;
import dev.annals.examples.bank.account.AccountEvent.DebitReversed;
import dev.annals.examples.bank.account.AccountEvent.Debited;
import dev.annals.examples.bank.account.AccountEvent.Deposited;
import dev.annals.examples.bank.account.AccountEvent.FeeCharged;
import dev.annals.examples.bank.account.AccountEvent.FeeReversed;
import dev.annals.examples.bank.account.AccountEvent.Withdrawn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccountDeciderTest {

  private static final UUID FEE = UUID.fromString("00000000-0000-0000-0000-00000000fee1");
  private static final UUID FEE_EVENT = UUID.fromString("00000000-0000-0000-0000-0000000e0e01");

  /** Folds the history, then decides the command on the result. */
  private static List<AccountEvent> given(List<AccountEvent> history, AccountCommand command) {
    return AccountDecider.decide(command, AccountDecider.fold(history));
  }

  private static List<AccountEvent> opened(AccountEvent... more) {
    List<AccountEvent> h = new ArrayList<>(List.of(new AccountOpened("A1", "Ada")));
    h.addAll(List.of(more));
    return h;
  }

  private static Rejection rejection(List<AccountEvent> history, AccountCommand command) {
    try {
      given(history, command);
    } catch (RejectedException e) {
      return e.rejection();
    }
    throw new AssertionError("expected " + command + " to be rejected");
  }

  @Test
  void open_on_a_new_account_opens_it() {
    assertThat(given(List.of(), new Open("A1", "Ada"))).containsExactly(new AccountOpened("A1", "Ada"));
  }

  @Test
  void open_twice_is_rejected() {
    assertThat(rejection(opened(), new Open("A1", "Ada"))).isEqualTo(new Rejection.AccountAlreadyOpened("A1"));
  }

  @Test
  void any_command_before_opening_is_rejected() {
    assertThat(rejection(List.of(), new Deposit(100))).isEqualTo(new Rejection.AccountNotOpened());
    assertThat(rejection(List.of(), new Close())).isEqualTo(new Rejection.AccountNotOpened());
  }

  @Test
  void deposit_adds_to_the_balance() {
    assertThat(given(opened(), new Deposit(1250))).containsExactly(new Deposited(1250));
    assertThat(AccountDecider.fold(opened(new Deposited(1250), new Deposited(50))).balance()).isEqualTo(1300);
  }

  @Test
  void non_positive_amounts_are_rejected() {
    assertThat(rejection(opened(), new Deposit(0))).isEqualTo(new Rejection.InvalidAmount(0));
    assertThat(rejection(opened(new Deposited(100)), new Withdraw(-5))).isEqualTo(new Rejection.InvalidAmount(-5));
    assertThat(rejection(opened(), new Credit("t", 0))).isEqualTo(new Rejection.InvalidAmount(0));
  }

  @Test
  void money_that_would_take_the_balance_past_the_largest_long_is_rejected_not_wrapped() {
    long max = Long.MAX_VALUE;
    assertThat(given(opened(new Deposited(max - 10)), new Deposit(10))).containsExactly(new Deposited(10));
    assertThat(rejection(opened(new Deposited(max - 10)), new Deposit(11)))
        .isEqualTo(new Rejection.AmountTooLarge("A1", max - 10, 11));
    assertThat(rejection(opened(new Deposited(1)), new Credit("t", max)))
        .isEqualTo(new Rejection.AmountTooLarge("A1", 1, max));
    assertThat(given(opened(), new Deposit(max))).containsExactly(new Deposited(max));
  }

  @Test
  void withdraw_within_the_balance_is_accepted_down_to_zero() {
    assertThat(given(opened(new Deposited(500)), new Withdraw(500))).containsExactly(new Withdrawn(500));
  }

  @Test
  void withdraw_beyond_the_balance_is_rejected_with_balance_and_amount() {
    assertThat(rejection(opened(new Deposited(500)), new Withdraw(501)))
        .isEqualTo(new Rejection.InsufficientFunds("A1", 500, 501));
  }

  @Test
  void a_fee_is_charged_once_per_fee_id() {
    assertThat(given(opened(new Deposited(500)), new ChargeFee(FEE, "wire", 400, Optional.empty())))
        .containsExactly(new FeeCharged(FEE, "wire", 400));
    assertThat(given(opened(new Deposited(500), new FeeCharged(FEE, "wire", 400)),
        new ChargeFee(FEE, "wire", 400, Optional.empty()))).isEmpty();
  }

  @Test
  void a_fee_never_overdraws() {
    assertThat(rejection(opened(new Deposited(100)), new ChargeFee(FEE, "wire", 400, Optional.empty())))
        .isEqualTo(new Rejection.InsufficientFunds("A1", 100, 400));
  }

  @Test
  void reversing_a_fee_gives_back_the_charged_amount() {
    List<AccountEvent> h = opened(new Deposited(500), new FeeCharged(FEE, "overdraft", 3500 / 10));
    assertThat(given(h, new ReverseFee(FEE, FEE_EVENT, Instant.EPOCH))).containsExactly(new FeeReversed(FEE, 350));
    h.add(new FeeReversed(FEE, 350));
    assertThat(AccountDecider.fold(h).balance()).isEqualTo(500);
  }

  @Test
  void reversing_an_unknown_or_reversed_fee_is_rejected() {
    assertThat(rejection(opened(new Deposited(500)), new ReverseFee(FEE, FEE_EVENT, Instant.EPOCH)))
        .isEqualTo(new Rejection.FeeNotFound("A1", FEE));
    assertThat(rejection(opened(new Deposited(500), new FeeCharged(FEE, "x", 5), new FeeReversed(FEE, 5)),
        new ReverseFee(FEE, FEE_EVENT, Instant.EPOCH))).isEqualTo(new Rejection.FeeAlreadyReversed("A1", FEE));
  }

  @Test
  void a_fee_reversal_is_a_correction_effective_in_the_past_that_revokes_the_fee_event() {
    Instant chargedAt = Instant.parse("2026-03-12T09:30:00Z");
    List<Emitted<AccountEvent>> emitted = AccountDecider.emit(new ReverseFee(FEE, FEE_EVENT, chargedAt),
        AccountDecider.fold(opened(new Deposited(500), new FeeCharged(FEE, "overdraft", 35))));
    assertThat(emitted).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo(new FeeReversed(FEE, 35));
      assertThat(e.effectiveAt()).contains(chargedAt);
      assertThat(e.revokes()).containsExactly(FEE_EVENT);
    });
  }

  @Test
  void back_dated_deposits_and_fees_carry_their_effective_time_and_other_events_none() {
    Instant valueDate = Instant.parse("2026-01-25T00:00:00Z");
    assertThat(AccountDecider.emit(new Deposit(100, Optional.of(valueDate)), AccountDecider.fold(opened())))
        .singleElement().satisfies(e -> assertThat(e.effectiveAt()).contains(valueDate));
    assertThat(AccountDecider.emit(new Withdraw(100), AccountDecider.fold(opened(new Deposited(100)))))
        .singleElement().satisfies(e -> {
          assertThat(e.effectiveAt()).isEmpty();
          assertThat(e.revokes()).isEmpty();
        });
  }

  @Test
  void a_reversal_folded_without_its_revoked_fee_changes_nothing() {
    // the valid-at view leaves the revoked FeeCharged out; the reversal must not credit twice
    assertThat(AccountDecider.fold(opened(new Deposited(500), new FeeReversed(FEE, 35))).balance()).isEqualTo(500);
    assertThat(AccountDecider.fold(opened(new Deposited(500), new FeeCharged(FEE, "x", 35), new FeeReversed(FEE, 35)))
        .balance()).isEqualTo(500);
  }

  @Test
  void a_debit_is_taken_once_per_reference_and_never_overdraws() {
    assertThat(given(opened(new Deposited(500)), new Debit("transfer-T1", 300)))
        .containsExactly(new Debited("transfer-T1", 300));
    assertThat(given(opened(new Deposited(500), new Debited("transfer-T1", 300)), new Debit("transfer-T1", 300)))
        .isEmpty();
    assertThat(rejection(opened(new Deposited(500)), new Debit("transfer-T1", 600)))
        .isEqualTo(new Rejection.InsufficientFunds("A1", 500, 600));
  }

  @Test
  void a_credit_is_given_once_per_reference() {
    assertThat(given(opened(), new Credit("transfer-T1", 300))).containsExactly(new Credited("transfer-T1", 300));
    assertThat(given(opened(new Credited("transfer-T1", 300)), new Credit("transfer-T1", 300))).isEmpty();
  }

  @Test
  void reversing_a_debit_gives_its_amount_back_once() {
    List<AccountEvent> h = opened(new Deposited(500), new Debited("order-O1", 120));
    assertThat(given(h, new ReverseDebit("order-O1"))).containsExactly(new DebitReversed("order-O1", 120));
    h.add(new DebitReversed("order-O1", 120));
    assertThat(given(h, new ReverseDebit("order-O1"))).isEmpty();
    assertThat(AccountDecider.fold(h).balance()).isEqualTo(500);
  }

  @Test
  void reversing_an_unknown_debit_is_rejected() {
    assertThat(rejection(opened(), new ReverseDebit("order-O1")))
        .isEqualTo(new Rejection.DebitNotFound("A1", "order-O1"));
  }

  @Test
  void close_at_zero_closes_and_otherwise_is_rejected_with_the_balance() {
    assertThat(given(opened(), new Close())).containsExactly(new AccountClosed());
    assertThat(rejection(opened(new Deposited(5)), new Close())).isEqualTo(new Rejection.BalanceNotZero("A1", 5));
    assertThat(AccountDecider.fold(opened(new AccountClosed()))).isInstanceOf(AccountState.Closed.class);
  }

  @Test
  void a_closed_account_refuses_new_money_movements() {
    List<AccountEvent> closed = opened(new AccountClosed());
    for (AccountCommand c : List.of(new Deposit(1), new Withdraw(1), new Debit("t", 1), new Credit("t", 1),
        new ChargeFee(FEE, "x", 1, Optional.empty()), new ReverseFee(FEE, FEE_EVENT, Instant.EPOCH), new Close())) {
      assertThat(rejection(closed, c)).as(c.toString()).isEqualTo(new Rejection.AccountClosed("A1"));
    }
    assertThat(rejection(closed, new Open("A1", "Ada"))).isEqualTo(new Rejection.AccountAlreadyOpened("A1"));
  }

  @Test
  void a_closed_account_still_takes_back_a_debit_so_compensations_always_succeed() {
    List<AccountEvent> h = opened(new Deposited(300), new Debited("transfer-T1", 300), new AccountClosed());
    assertThat(given(h, new ReverseDebit("transfer-T1"))).containsExactly(new DebitReversed("transfer-T1", 300));
    h.add(new DebitReversed("transfer-T1", 300));
    assertThat(AccountDecider.fold(h)).isInstanceOf(AccountState.Closed.class);
    assertThat(AccountDecider.fold(h).balance()).isEqualTo(300);
  }

  @Test
  void a_repeated_leg_on_a_closed_account_is_still_idempotent() {
    List<AccountEvent> h = opened(new Deposited(300), new Debited("transfer-T1", 300), new Credited("transfer-T2", 1),
        new Withdrawn(1), new AccountClosed());
    assertThat(given(h, new Debit("transfer-T1", 300))).isEmpty();
    assertThat(given(h, new Credit("transfer-T2", 1))).isEmpty();
  }

  @Test
  void events_before_opening_change_nothing_in_a_reordered_view() {
    assertThat(AccountDecider.fold(List.of(new Deposited(5)))).isEqualTo(new AccountState.NotOpened());
  }

  @Test
  void rejections_carry_a_stable_code() {
    try {
      given(opened(), new Withdraw(1));
    } catch (RejectedException e) {
      assertThat(e.reason()).isEqualTo("insufficient_funds");
      assertThat(e.getMessage()).isEqualTo("account A1 has 0.00, cannot take 0.01");
      return;
    }
    throw new AssertionError("not rejected");
  }

  @Test
  void rejected_commands_throw_the_cqrs_rejection_type() {
    assertThatThrownBy(() -> given(List.of(), new Withdraw(1))).isInstanceOf(dev.annals.cqrs.CommandRejectedException.class);
  }
}
