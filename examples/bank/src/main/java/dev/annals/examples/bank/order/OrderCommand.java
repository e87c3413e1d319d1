package dev.annals.examples.bank.order;

/** What can be asked of an order. Amounts in cents. */
public sealed interface OrderCommand {

  record Place(String orderId, String accountId, String item, long amount) implements OrderCommand {}

  /** The account was debited for the order (see {@link OrderPayments}). */
  record RecordPayment() implements OrderCommand {}

  /** The account refused the debit. */
  record DeclinePayment(String reason) implements OrderCommand {}

  record Ship(String trackingNumber) implements OrderCommand {}

  record ConfirmDelivery() implements OrderCommand {}

  /** Cancels before shipping; a paid order then awaits its refund. */
  record Cancel(String reason) implements OrderCommand {}

  /** The payment was given back to the account (after a cancel, or a return after delivery). */
  record RecordRefund() implements OrderCommand {}
}
