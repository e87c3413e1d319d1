package dev.annals.examples.bank.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.order.OrderCommand.Cancel;
import dev.annals.examples.bank.order.OrderCommand.ConfirmDelivery;
import dev.annals.examples.bank.order.OrderCommand.DeclinePayment;
import dev.annals.examples.bank.order.OrderCommand.Place;
import dev.annals.examples.bank.order.OrderCommand.RecordPayment;
import dev.annals.examples.bank.order.OrderCommand.RecordRefund;
import dev.annals.examples.bank.order.OrderCommand.Ship;
import dev.annals.examples.bank.order.OrderEvent.DeliveryConfirmed;
import dev.annals.examples.bank.order.OrderEvent.ItemShipped;
import dev.annals.examples.bank.order.OrderEvent.OrderCancelled;
import dev.annals.examples.bank.order.OrderEvent.OrderPlaced;
import dev.annals.examples.bank.order.OrderEvent.OrderRefunded;
import dev.annals.examples.bank.order.OrderEvent.PaymentCharged;
import dev.annals.examples.bank.order.OrderEvent.PaymentDeclined;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderDeciderTest {

  private static final OrderPlaced PLACED = new OrderPlaced("O1", "A1", "kettle", 4_999);
  private static final PaymentCharged PAID = new PaymentCharged("A1", 4_999);
  private static final ItemShipped SHIPPED = new ItemShipped("TRK1");
  private static final DeliveryConfirmed DELIVERED = new DeliveryConfirmed();

  private static List<OrderEvent> given(List<OrderEvent> history, OrderCommand command) {
    return OrderDecider.decide(command, OrderDecider.fold(history));
  }

  private static Rejection rejection(List<OrderEvent> history, OrderCommand command) {
    try {
      given(history, command);
    } catch (RejectedException e) {
      return e.rejection();
    }
    throw new AssertionError("expected " + command + " to be rejected");
  }

  private static Rejection transition(String status, String attempted) {
    return new Rejection.OrderTransitionRejected("O1", status, attempted);
  }

  @Test
  void placing_an_order_records_it_once() {
    assertThat(given(List.of(), new Place("O1", "A1", "kettle", 4_999))).containsExactly(PLACED);
    assertThat(rejection(List.of(PLACED), new Place("O1", "A1", "kettle", 4_999))).isEqualTo(transition("placed", "place it again"));
    assertThat(rejection(List.of(), new Place("O1", "A1", "kettle", 0))).isEqualTo(new Rejection.InvalidAmount(0));
  }

  @Test
  void commands_on_an_order_never_placed_are_rejected() {
    assertThat(rejection(List.of(), new RecordPayment())).isEqualTo(new Rejection.OrderNotPlaced());
  }

  @Test
  void the_delivery_path_is_paid_shipped_delivered() {
    assertThat(given(List.of(PLACED), new RecordPayment())).containsExactly(PAID);
    assertThat(given(List.of(PLACED, PAID), new Ship("TRK1"))).containsExactly(SHIPPED);
    assertThat(given(List.of(PLACED, PAID, SHIPPED), new ConfirmDelivery())).containsExactly(DELIVERED);
    assertThat(OrderDecider.fold(List.of(PLACED, PAID, SHIPPED, DELIVERED)).status()).isEqualTo("delivered");
  }

  @Test
  void repeating_the_last_step_writes_nothing() {
    assertThat(given(List.of(PLACED, PAID), new RecordPayment())).isEmpty();
    assertThat(given(List.of(PLACED, PAID, SHIPPED), new Ship("TRK1"))).isEmpty();
    assertThat(given(List.of(PLACED, PAID, SHIPPED, DELIVERED), new ConfirmDelivery())).isEmpty();
    assertThat(given(List.of(PLACED, new OrderCancelled("x")), new Cancel("x"))).isEmpty();
    assertThat(given(List.of(PLACED, new PaymentDeclined("insufficient_funds")), new DeclinePayment("insufficient_funds")))
        .isEmpty();
  }

  @Test
  void a_declined_payment_ends_the_order() {
    assertThat(given(List.of(PLACED), new DeclinePayment("insufficient_funds")))
        .containsExactly(new PaymentDeclined("insufficient_funds"));
    List<OrderEvent> declined = List.of(PLACED, new PaymentDeclined("insufficient_funds"));
    assertThat(rejection(declined, new RecordPayment())).isEqualTo(transition("declined", "record a payment"));
    assertThat(rejection(declined, new Ship("T"))).isEqualTo(transition("declined", "ship"));
  }

  @Test
  void shipping_an_unpaid_order_is_rejected() {
    assertThat(rejection(List.of(PLACED), new Ship("TRK1"))).isEqualTo(transition("placed", "ship"));
    assertThat(rejection(List.of(PLACED, PAID), new ConfirmDelivery())).isEqualTo(transition("paid", "confirm delivery"));
  }

  @Test
  void cancelling_an_unpaid_order_needs_no_refund() {
    assertThat(given(List.of(PLACED), new Cancel("changed mind"))).containsExactly(new OrderCancelled("changed mind"));
    List<OrderEvent> cancelled = List.of(PLACED, new OrderCancelled("changed mind"));
    assertThat(OrderDecider.fold(cancelled).status()).isEqualTo("cancelled");
    assertThat(rejection(cancelled, new RecordRefund())).isEqualTo(transition("cancelled", "refund"));
  }

  @Test
  void cancelling_a_paid_order_makes_a_refund_due_then_refunds_once() {
    List<OrderEvent> cancelled = List.of(PLACED, PAID, new OrderCancelled("changed mind"));
    assertThat(OrderDecider.fold(cancelled).status()).isEqualTo("cancelled_refund_due");
    assertThat(given(cancelled, new RecordRefund())).containsExactly(new OrderRefunded("A1", 4_999));
    List<OrderEvent> refunded = List.of(PLACED, PAID, new OrderCancelled("x"), new OrderRefunded("A1", 4_999));
    assertThat(given(refunded, new RecordRefund())).isEmpty();
    assertThat(OrderDecider.fold(refunded).status()).isEqualTo("refunded");
  }

  @Test
  void a_shipped_order_cannot_be_cancelled_but_a_delivered_one_can_be_returned_and_refunded() {
    assertThat(rejection(List.of(PLACED, PAID, SHIPPED), new Cancel("x"))).isEqualTo(transition("shipped", "cancel"));
    assertThat(rejection(List.of(PLACED, PAID, SHIPPED), new RecordRefund())).isEqualTo(transition("shipped", "refund"));
    assertThat(given(List.of(PLACED, PAID, SHIPPED, DELIVERED), new RecordRefund()))
        .containsExactly(new OrderRefunded("A1", 4_999));
  }
}
