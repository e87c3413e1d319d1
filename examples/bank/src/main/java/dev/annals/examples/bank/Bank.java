package dev.annals.examples.bank;

import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderState;
import dev.annals.examples.bank.transfer.TransferCommand;
import dev.annals.examples.bank.transfer.TransferState;
import java.util.Optional;
import java.util.UUID;

/**
 * How the bank's processes (transfers, order payments) reach the three kinds of streams: handle a
 * command on one stream, or load one stream's state. {@link EventStoreBank} does it with annals-cqrs
 * command handlers over an {@code EventStore}; the seeded history does it in memory with the same
 * deciders and the same event ids and metadata.
 *
 * <p>Every {@code handle} method throws {@link RejectedException} when the decider refuses, and a
 * repeated {@link CommandContext#commandId()} on the same stream writes nothing.
 */
public interface Bank {

  /** A stream's state and the id of its last event (the cause of whatever a process does next). */
  record Loaded<S>(S state, long version, Optional<UUID> lastEventId) {}

  AccountState account(String accountId, AccountCommand command, CommandContext context);

  TransferState transfer(String transferId, TransferCommand command, CommandContext context);

  OrderState order(String orderId, OrderCommand command, CommandContext context);

  Loaded<AccountState> loadAccount(String accountId);

  Loaded<TransferState> loadTransfer(String transferId);

  Loaded<OrderState> loadOrder(String orderId);
}
