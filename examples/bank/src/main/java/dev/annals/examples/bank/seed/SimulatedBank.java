package dev.annals.examples.bank.seed;

import dev.annals.core.EventData;
import dev.annals.core.ImportEvent;
import dev.annals.cqrs.EventEnvelopes;
import dev.annals.cqrs.CommandContext;
import dev.annals.cqrs.Decider;
import dev.annals.cqrs.Emitted;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.examples.bank.Bank;
import dev.annals.examples.bank.BankCodecs;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The bank in memory, for generating history: the same deciders, event ids and metadata as
 * {@link dev.annals.examples.bank.EventStoreBank}, with states kept in maps (no reload per command)
 * and every written event collected, with the simulated clock's time, as an {@link ImportEvent}.
 * Not thread-safe (the generator is single-threaded).
 */
final class SimulatedBank implements Bank {

  private final Supplier<Instant> clock;
  private final List<ImportEvent> written = new ArrayList<>();
  private final Streams<AccountCommand, AccountState, AccountEvent> accounts =
      new Streams<>(AccountDecider.decider(), BankCodecs.accounts());
  private final Streams<TransferCommand, TransferState, TransferEvent> transfers =
      new Streams<>(TransferDecider.decider(), BankCodecs.transfers());
  private final Streams<OrderCommand, OrderState, OrderEvent> orders =
      new Streams<>(OrderDecider.decider(), BankCodecs.orders());

  SimulatedBank(Supplier<Instant> clock) {
    this.clock = clock;
  }

  List<ImportEvent> written() {
    return written;
  }

  @Override
  public AccountState account(String accountId, AccountCommand command, CommandContext context) {
    return accounts.handle(AccountDecider.stream(accountId), command, context);
  }

  @Override
  public TransferState transfer(String transferId, TransferCommand command, CommandContext context) {
    return transfers.handle(TransferDecider.stream(transferId), command, context);
  }

  @Override
  public OrderState order(String orderId, OrderCommand command, CommandContext context) {
    return orders.handle(OrderDecider.stream(orderId), command, context);
  }

  @Override
  public Loaded<AccountState> loadAccount(String accountId) {
    return accounts.load(AccountDecider.stream(accountId));
  }

  @Override
  public Loaded<TransferState> loadTransfer(String transferId) {
    return transfers.load(TransferDecider.stream(transferId));
  }

  @Override
  public Loaded<OrderState> loadOrder(String orderId) {
    return orders.load(OrderDecider.stream(orderId));
  }

  private final class Streams<C, S, E> {
    private final Decider<C, S, E> decider;
    private final EventCodec<E> codec;
    private final Map<String, Loaded<S>> states = new HashMap<>();
    private final Set<String> handled = new HashSet<>();

    Streams(Decider<C, S, E> decider, EventCodec<E> codec) {
      this.decider = decider;
      this.codec = codec;
    }

    Loaded<S> load(String stream) {
      return states.getOrDefault(stream, new Loaded<>(decider.initialState(), 0, Optional.empty()));
    }

    S handle(String stream, C command, CommandContext context) {
      Loaded<S> loaded = load(stream);
      if (handled.contains(stream + "|" + context.commandId())) {
        return loaded.state(); // a repeated command writes nothing
      }
      List<Emitted<E>> emitted = decider.decide(command, loaded.state());
      if (emitted.isEmpty()) {
        return loaded.state();
      }
      handled.add(stream + "|" + context.commandId());
      List<EventData> events = EventEnvelopes.toEventData(stream, emitted, context, codec);
      Instant now = clock.get();
      S state = loaded.state();
      for (int i = 0; i < events.size(); i++) {
        state = decider.evolve(state, emitted.get(i).event());
        written.add(new ImportEvent(stream, events.get(i), now));
      }
      UUID last = events.get(events.size() - 1).id();
      states.put(stream, new Loaded<>(state, loaded.version() + events.size(), Optional.of(last)));
      return state;
    }
  }
}
