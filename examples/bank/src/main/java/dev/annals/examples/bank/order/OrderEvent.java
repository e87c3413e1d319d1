package dev.annals.examples.bank.order;

/** What happened to an order, on its stream {@code order-<id>}. Amounts in cents. */
public sealed interface OrderEvent {

  record OrderPlaced(String orderId, String accountId, String item, long amount) implements OrderEvent {}

  record PaymentCharged(String accountId, long amount) implements OrderEvent {}

  record PaymentDeclined(String reason) implements OrderEvent {}

  record ItemShipped(String trackingNumber) implements OrderEvent {}

  record DeliveryConfirmed() implements OrderEvent {}

  record OrderCancelled(String reason) implements OrderEvent {}

  record OrderRefunded(String accountId, long amount) implements OrderEvent {}
}
