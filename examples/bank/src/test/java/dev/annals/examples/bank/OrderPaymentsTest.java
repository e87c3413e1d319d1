package dev.annals.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Metadata;
import dev.annals.core.StoreUnavailableException;
import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderPayments;
import dev.annals.examples.bank.order.OrderState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderPaymentsTest {

  private final InMemoryEventStore store = new InMemoryEventStore();
  private final Bank bank = new EventStoreBank(store);
  private final OrderPayments payments = new OrderPayments(bank);

  @BeforeEach
  void account() {
    TransferProcessTest.open(bank, "A1", 100_00);
  }

  private void place(String orderId, long amount) {
    bank.order(orderId, new OrderCommand.Place(orderId, "A1", "kettle", amount), CommandContext.random());
  }

  @Test
  void paying_an_order_debits_its_account_under_the_order_reference() {
    place("O1", 40_00);

    assertThat(payments.pay("O1")).isInstanceOf(OrderState.Paid.class);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(60_00);
    assertThat(StoreFacts.stream(store, "account-A1").getLast().data().toNode().get("reference").asText())
        .isEqualTo("order-O1");
    assertThat(StoreFacts.meta(StoreFacts.stream(store, "order-O1").getLast(), Metadata.CORRELATION_ID))
        .isEqualTo("order-O1");
  }

  @Test
  void a_payment_the_account_cannot_cover_is_declined_and_takes_nothing() {
    place("O1", 100_01);

    OrderState s = payments.pay("O1");

    assertThat(s).isInstanceOf(OrderState.Declined.class);
    assertThat(((OrderState.Declined) s).reason()).isEqualTo("insufficient_funds");
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(100_00);
  }

  @Test
  void a_cancelled_paid_order_is_refunded_to_the_account_once() {
    place("O1", 40_00);
    payments.pay("O1");
    bank.order("O1", new OrderCommand.Cancel("changed mind"), CommandContext.random());

    assertThat(payments.refund("O1", "order cancelled")).isInstanceOf(OrderState.Refunded.class);
    assertThat(payments.refund("O1", "order cancelled")).isInstanceOf(OrderState.Refunded.class);
    assertThat(StoreFacts.count(store, "account-A1", "DebitReversed")).isEqualTo(1);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(100_00);
  }

  @Test
  void a_delivered_order_returned_is_refunded() {
    place("O1", 40_00);
    payments.pay("O1");
    bank.order("O1", new OrderCommand.Ship("TRK1"), CommandContext.random());
    bank.order("O1", new OrderCommand.ConfirmDelivery(), CommandContext.random());

    assertThat(payments.refund("O1", "item returned")).isInstanceOf(OrderState.Refunded.class);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(100_00);
  }

  @Test
  void an_order_with_nothing_to_refund_is_left_alone() {
    place("O1", 40_00);
    payments.pay("O1");

    assertThat(payments.refund("O1", "x")).isInstanceOf(OrderState.Paid.class);
    assertThat(StoreFacts.count(store, "account-A1", "DebitReversed")).isZero();
  }

  @Test
  void a_crash_after_the_debit_is_repaired_by_paying_again_with_exactly_one_debit() {
    place("O1", 40_00);
    CrashingStore crashing = new CrashingStore(store, "order-O1"::equals, 1, CrashingStore.When.BEFORE_WRITE);

    assertThatThrownBy(() -> new OrderPayments(new EventStoreBank(crashing)).pay("O1"))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(payments.pay("O1")).isInstanceOf(OrderState.Paid.class);

    assertThat(StoreFacts.count(store, "account-A1", "Debited")).isEqualTo(1);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(60_00);
  }

  @Test
  void a_debit_taken_for_an_order_cancelled_before_its_payment_was_recorded_is_given_back() {
    place("O1", 40_00);
    CrashingStore crashing = new CrashingStore(store, "order-O1"::equals, 1, CrashingStore.When.BEFORE_WRITE);
    assertThatThrownBy(() -> new OrderPayments(new EventStoreBank(crashing)).pay("O1"))
        .isInstanceOf(StoreUnavailableException.class);
    bank.order("O1", new OrderCommand.Cancel("changed mind"), CommandContext.random());

    assertThat(payments.pay("O1")).isInstanceOf(OrderState.Cancelled.class);
    assertThat(payments.pay("O1")).isInstanceOf(OrderState.Cancelled.class);

    assertThat(StoreFacts.count(store, "account-A1", "DebitReversed")).isEqualTo(1);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(100_00);
  }
}
