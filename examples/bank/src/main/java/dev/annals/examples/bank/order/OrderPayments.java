package dev.annals.examples.bank.order;

import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.Bank;
import dev.annals.examples.bank.ProcessIds;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountState;
import java.util.Optional;
import java.util.UUID;

/**
 * Moves an order's money: {@link #pay} debits the order's account under the reference
 * {@code order-<id>} and records the payment (or its refusal); {@link #refund} gives that debit back
 * and records the refund. Like transfers, each is two idempotent steps with deterministic command
 * ids, so re-running after a crash never charges or refunds twice. Every event carries
 * {@code correlationId} = {@code order-<id>}. Thread-safe if the {@link Bank} is.
 */
public final class OrderPayments {

  public static final String ACTOR = "system:payments";

  private final Bank bank;

  public OrderPayments(Bank bank) {
    this.bank = bank;
  }

  /**
   * Charges a placed order to its account; returns the order's state (paid or declined). If the order
   * stopped being payable while its account was being debited (cancelled meanwhile, or a crash followed
   * by a cancel), the debit is given back, so an order never keeps money it did not record.
   */
  public OrderState pay(String orderId) {
    var loaded = bank.loadOrder(orderId);
    String cause = loaded.lastEventId().map(UUID::toString).orElse(orderId);
    return switch (loaded.state()) {
      case OrderState.Placed placed -> {
        OrderState.Order o = placed.order();
        CommandContext leg = context(orderId, "debit", cause);
        try {
          bank.account(o.accountId(), new AccountCommand.Debit(OrderDecider.paymentReference(orderId), o.amount()), leg);
        } catch (RejectedException refused) {
          yield bank.order(orderId, new OrderCommand.DeclinePayment(refused.reason()),
              context(orderId, "declined", cause).withReason(refused.getMessage()));
        }
        try {
          yield bank.order(orderId, new OrderCommand.RecordPayment(), context(orderId, "paid",
              ProcessIds.firstEvent(AccountDecider.stream(o.accountId()), leg.commandId()).toString()));
        } catch (RejectedException notPayable) {
          returnStrayPayment(o, cause);
          yield bank.loadOrder(orderId).state();
        }
      }
      case OrderState.Cancelled c when !c.refundDue() -> {
        returnStrayPayment(c.order(), cause);
        yield c;
      }
      case OrderState.Declined d -> {
        returnStrayPayment(d.order(), cause);
        yield d;
      }
      default -> loaded.state();
    };
  }

  /** Gives back a debit taken for an order that never recorded its payment (idempotent). */
  private void returnStrayPayment(OrderState.Order o, String cause) {
    String reference = OrderDecider.paymentReference(o.orderId());
    if (hasOpenDebit(bank.loadAccount(o.accountId()).state(), reference)) {
      bank.account(o.accountId(), new AccountCommand.ReverseDebit(reference),
          context(o.orderId(), "payment-returned", cause).withReason("the order was no longer payable"));
    }
  }

  private static boolean hasOpenDebit(AccountState state, String reference) {
    Optional<AccountState.Ledger> book = switch (state) {
      case AccountState.NotOpened n -> Optional.empty();
      case AccountState.Open open -> Optional.of(open.ledger());
      case AccountState.Closed closed -> Optional.of(closed.ledger());
    };
    return book.filter(b -> b.debits().containsKey(reference) && !b.reversedDebits().contains(reference)).isPresent();
  }

  /** Refunds a cancelled paid order or a delivered (returned) one; returns the order's state. */
  public OrderState refund(String orderId, String reason) {
    var loaded = bank.loadOrder(orderId);
    boolean due = loaded.state() instanceof OrderState.Cancelled c && c.refundDue()
        || loaded.state() instanceof OrderState.Delivered;
    if (!due) {
      return loaded.state();
    }
    OrderState.Order o = OrderDecider.order(loaded.state());
    String cause = loaded.lastEventId().map(UUID::toString).orElse(orderId);
    CommandContext leg = context(orderId, "refund", cause).withReason(reason);
    bank.account(o.accountId(), new AccountCommand.ReverseDebit(OrderDecider.paymentReference(orderId)), leg);
    return bank.order(orderId, new OrderCommand.RecordRefund(),
        context(orderId, "refunded", ProcessIds.firstEvent(AccountDecider.stream(o.accountId()), leg.commandId()).toString())
            .withReason(reason));
  }

  public static UUID commandId(String orderId, String step) {
    return ProcessIds.command("order", orderId, step);
  }

  private static CommandContext context(String orderId, String step, String causationId) {
    return CommandContext.of(commandId(orderId, step))
        .withCorrelationId(OrderDecider.stream(orderId))
        .withCausationId(causationId)
        .withActor(ACTOR);
  }
}
