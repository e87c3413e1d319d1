package dev.annals.examples.bank.order;

/** Where an order stands. Immutable. */
public sealed interface OrderState {

  /** The status name used by read models ({@code placed}, {@code paid}, ...). */
  String status();

  /** What was ordered, by whom, for how much (cents). */
  record Order(String orderId, String accountId, String item, long amount) {}

  record NotPlaced() implements OrderState {
    public String status() { return "none"; }
  }

  record Placed(Order order) implements OrderState {
    public String status() { return "placed"; }
  }

  record Paid(Order order) implements OrderState {
    public String status() { return "paid"; }
  }

  record Shipped(Order order, String trackingNumber) implements OrderState {
    public String status() { return "shipped"; }
  }

  record Delivered(Order order) implements OrderState {
    public String status() { return "delivered"; }
  }

  record Declined(Order order, String reason) implements OrderState {
    public String status() { return "declined"; }
  }

  /** Cancelled; {@code refundDue} when it had been paid and the refund is not made yet. */
  record Cancelled(Order order, boolean refundDue) implements OrderState {
    public String status() { return refundDue ? "cancelled_refund_due" : "cancelled"; }
  }

  record Refunded(Order order) implements OrderState {
    public String status() { return "refunded"; }
  }
}
