package dev.annals.examples.bank.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.transfer.TransferCommand.RecordCredit;
import dev.annals.examples.bank.transfer.TransferCommand.RecordCreditRejected;
import dev.annals.examples.bank.transfer.TransferCommand.RecordDebit;
import dev.annals.examples.bank.transfer.TransferCommand.RecordFailure;
import dev.annals.examples.bank.transfer.TransferCommand.Request;
import dev.annals.examples.bank.transfer.TransferEvent.CreditRejected;
import dev.annals.examples.bank.transfer.TransferEvent.SourceDebited;
import dev.annals.examples.bank.transfer.TransferEvent.TransferCompleted;
import dev.annals.examples.bank.transfer.TransferEvent.TransferFailed;
import dev.annals.examples.bank.transfer.TransferEvent.TransferRequested;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferDeciderTest {

  private static final Terms TERMS = new Terms("T1", "A1", "A2", 300);
  private static final TransferRequested REQUESTED = new TransferRequested("T1", "A1", "A2", 300);

  private static List<TransferEvent> given(List<TransferEvent> history, TransferCommand command) {
    return TransferDecider.decide(command, TransferDecider.fold(history));
  }

  private static Rejection rejection(List<TransferEvent> history, TransferCommand command) {
    try {
      given(history, command);
    } catch (RejectedException e) {
      return e.rejection();
    }
    throw new AssertionError("expected " + command + " to be rejected");
  }

  private static List<TransferEvent> h(TransferEvent... events) {
    return new ArrayList<>(List.of(events));
  }

  @Test
  void a_request_is_recorded_once_and_a_repeat_with_the_same_terms_is_harmless() {
    assertThat(given(h(), new Request(TERMS))).containsExactly(REQUESTED);
    assertThat(given(h(REQUESTED), new Request(TERMS))).isEmpty();
  }

  @Test
  void a_request_with_other_terms_for_the_same_id_is_rejected() {
    assertThat(rejection(h(REQUESTED), new Request(new Terms("T1", "A1", "A2", 301))))
        .isInstanceOf(Rejection.TransferConflict.class);
  }

  @Test
  void a_request_needs_a_positive_amount_and_two_accounts() {
    assertThat(rejection(h(), new Request(new Terms("T1", "A1", "A2", 0)))).isEqualTo(new Rejection.InvalidAmount(0));
    assertThat(rejection(h(), new Request(new Terms("T1", "A1", "A1", 5)))).isEqualTo(new Rejection.SameAccount("A1"));
  }

  @Test
  void steps_of_a_transfer_never_requested_are_rejected() {
    assertThat(rejection(h(), new RecordDebit())).isEqualTo(new Rejection.TransferNotFound());
  }

  @Test
  void the_happy_path_debits_then_completes() {
    assertThat(given(h(REQUESTED), new RecordDebit())).containsExactly(new SourceDebited("A1", 300));
    assertThat(given(h(REQUESTED, new SourceDebited("A1", 300)), new RecordCredit()))
        .containsExactly(new TransferCompleted("A2", 300));
    assertThat(TransferDecider.fold(h(REQUESTED, new SourceDebited("A1", 300), new TransferCompleted("A2", 300))))
        .isEqualTo(new TransferState.Completed(TERMS));
  }

  @Test
  void a_refused_debit_fails_the_transfer_without_refund() {
    assertThat(given(h(REQUESTED), new RecordFailure("insufficient_funds")))
        .containsExactly(new TransferFailed("insufficient_funds", false));
  }

  @Test
  void a_refused_credit_compensates_then_fails_with_refund() {
    List<TransferEvent> history = h(REQUESTED, new SourceDebited("A1", 300));
    assertThat(given(history, new RecordCreditRejected("account_closed")))
        .containsExactly(new CreditRejected("account_closed"));
    history.add(new CreditRejected("account_closed"));
    assertThat(TransferDecider.fold(history)).isEqualTo(new TransferState.Compensating(TERMS, "account_closed"));
    assertThat(given(history, new RecordFailure("ignored"))).containsExactly(new TransferFailed("account_closed", true));
    history.add(new TransferFailed("account_closed", true));
    assertThat(TransferDecider.fold(history)).isEqualTo(new TransferState.Failed(TERMS, "account_closed", true));
  }

  @Test
  void recording_a_step_already_recorded_writes_nothing() {
    List<TransferEvent> debited = h(REQUESTED, new SourceDebited("A1", 300));
    assertThat(given(debited, new RecordDebit())).isEmpty();
    List<TransferEvent> done = h(REQUESTED, new SourceDebited("A1", 300), new TransferCompleted("A2", 300));
    assertThat(given(done, new RecordCredit())).isEmpty();
    assertThat(given(done, new RecordDebit())).isEmpty();
    List<TransferEvent> failed = h(REQUESTED, new TransferFailed("insufficient_funds", false));
    assertThat(given(failed, new RecordFailure("insufficient_funds"))).isEmpty();
  }

  @Test
  void steps_out_of_order_are_rejected() {
    assertThat(rejection(h(REQUESTED), new RecordCredit())).isInstanceOf(Rejection.TransferConflict.class);
    assertThat(rejection(h(REQUESTED), new RecordCreditRejected("x"))).isInstanceOf(Rejection.TransferConflict.class);
    assertThat(rejection(h(REQUESTED, new SourceDebited("A1", 300)), new RecordFailure("x")))
        .isInstanceOf(Rejection.TransferConflict.class);
    assertThat(rejection(h(REQUESTED, new TransferFailed("x", false)), new RecordDebit()))
        .isInstanceOf(Rejection.TransferConflict.class);
  }

  @Test
  void the_next_step_follows_from_the_state_alone() {
    assertThat(TransferStep.next(new TransferState.NotRequested())).isInstanceOf(TransferStep.Done.class);
    assertThat(TransferStep.next(new TransferState.Requested(TERMS))).isEqualTo(new TransferStep.DebitSource(TERMS));
    assertThat(TransferStep.next(new TransferState.Debited(TERMS))).isEqualTo(new TransferStep.CreditTarget(TERMS));
    assertThat(TransferStep.next(new TransferState.Compensating(TERMS, "account_closed")))
        .isEqualTo(new TransferStep.RefundSource(TERMS, "account_closed"));
    assertThat(TransferStep.next(new TransferState.Completed(TERMS))).isInstanceOf(TransferStep.Done.class);
    assertThat(TransferStep.next(new TransferState.Failed(TERMS, "x", true))).isInstanceOf(TransferStep.Done.class);
  }
}
