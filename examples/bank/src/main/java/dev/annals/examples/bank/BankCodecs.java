package dev.annals.examples.bank;

import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.order.OrderEvent;
import dev.annals.examples.bank.transfer.TransferEvent;

/**
 * The bank's event codecs: every event record registered explicitly under its stored type name
 * (the record's simple name; all at schema 1). Building checks that no record of a sealed event
 * type is missing. The codecs are immutable and thread-safe.
 */
public final class BankCodecs {

  private BankCodecs() {}

  public static JacksonEventCodec<AccountEvent> accounts() {
    return JacksonEventCodec.builder(AccountEvent.class)
        .register("AccountOpened", AccountEvent.AccountOpened.class)
        .register("Deposited", AccountEvent.Deposited.class)
        .register("Withdrawn", AccountEvent.Withdrawn.class)
        .register("FeeCharged", AccountEvent.FeeCharged.class)
        .register("FeeReversed", AccountEvent.FeeReversed.class)
        .register("Debited", AccountEvent.Debited.class)
        .register("Credited", AccountEvent.Credited.class)
        .register("DebitReversed", AccountEvent.DebitReversed.class)
        .register("AccountClosed", AccountEvent.AccountClosed.class)
        .build();
  }

  public static JacksonEventCodec<TransferEvent> transfers() {
    return JacksonEventCodec.builder(TransferEvent.class)
        .register("TransferRequested", TransferEvent.TransferRequested.class)
        .register("SourceDebited", TransferEvent.SourceDebited.class)
        .register("TransferCompleted", TransferEvent.TransferCompleted.class)
        .register("CreditRejected", TransferEvent.CreditRejected.class)
        .register("TransferFailed", TransferEvent.TransferFailed.class)
        .build();
  }

  public static JacksonEventCodec<OrderEvent> orders() {
    return JacksonEventCodec.builder(OrderEvent.class)
        .register("OrderPlaced", OrderEvent.OrderPlaced.class)
        .register("PaymentCharged", OrderEvent.PaymentCharged.class)
        .register("PaymentDeclined", OrderEvent.PaymentDeclined.class)
        .register("ItemShipped", OrderEvent.ItemShipped.class)
        .register("DeliveryConfirmed", OrderEvent.DeliveryConfirmed.class)
        .register("OrderCancelled", OrderEvent.OrderCancelled.class)
        .register("OrderRefunded", OrderEvent.OrderRefunded.class)
        .build();
  }
}
