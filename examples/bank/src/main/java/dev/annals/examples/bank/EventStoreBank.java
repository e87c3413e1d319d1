package dev.annals.examples.bank;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.cqrs.CommandContext;
import dev.annals.cqrs.CommandHandler;
import dev.annals.cqrs.LoadedState;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.order.OrderEvent;
import dev.annals.examples.bank.order.OrderState;
import dev.annals.examples.bank.transfer.TransferCommand;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.examples.bank.transfer.TransferEvent;
import dev.annals.examples.bank.transfer.TransferState;
import java.util.Optional;
import java.util.UUID;

/**
 * The bank on an {@link EventStore}: one annals-cqrs {@link CommandHandler} per kind of stream
 * (load, decide, append with the expected version, retry on conflicts, metadata, idempotent command
 * ids). Thread-safe: the handlers are, and concurrent commands on one stream are serialised by
 * optimistic concurrency.
 */
public final class EventStoreBank implements Bank {

  private final EventStore store;
  private final CommandHandler<AccountCommand, AccountState, AccountEvent> accounts;
  private final CommandHandler<TransferCommand, TransferState, TransferEvent> transfers;
  private final CommandHandler<OrderCommand, OrderState, OrderEvent> orders;

  public EventStoreBank(EventStore store) {
    this(store,
        new CommandHandler<>(store, AccountDecider.decider(), BankCodecs.accounts()),
        new CommandHandler<>(store, TransferDecider.decider(), BankCodecs.transfers()),
        new CommandHandler<>(store, OrderDecider.decider(), BankCodecs.orders()));
  }

  public EventStoreBank(EventStore store,
      CommandHandler<AccountCommand, AccountState, AccountEvent> accounts,
      CommandHandler<TransferCommand, TransferState, TransferEvent> transfers,
      CommandHandler<OrderCommand, OrderState, OrderEvent> orders) {
    this.store = store;
    this.accounts = accounts;
    this.transfers = transfers;
    this.orders = orders;
  }

  @Override
  public AccountState account(String accountId, AccountCommand command, CommandContext context) {
    return accounts.handle(AccountDecider.stream(accountId), command, context).state();
  }

  @Override
  public TransferState transfer(String transferId, TransferCommand command, CommandContext context) {
    return transfers.handle(TransferDecider.stream(transferId), command, context).state();
  }

  @Override
  public OrderState order(String orderId, OrderCommand command, CommandContext context) {
    return orders.handle(OrderDecider.stream(orderId), command, context).state();
  }

  @Override
  public Loaded<AccountState> loadAccount(String accountId) {
    return loaded(accounts.load(AccountDecider.stream(accountId)));
  }

  @Override
  public Loaded<TransferState> loadTransfer(String transferId) {
    return loaded(transfers.load(TransferDecider.stream(transferId)));
  }

  @Override
  public Loaded<OrderState> loadOrder(String orderId) {
    return loaded(orders.load(OrderDecider.stream(orderId)));
  }

  private <S> Loaded<S> loaded(LoadedState<S> l) {
    Optional<UUID> last = Optional.empty();
    if (l.version() > 0) {
      Page page = store.readStream(l.stream(), l.version(), Direction.FORWARD, 1);
      last = page.events().stream().findFirst().map(e -> e.id());
    }
    return new Loaded<>(l.state(), l.version(), last);
  }
}
