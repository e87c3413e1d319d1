package dev.annals.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.CommandContext;
import dev.annals.cqrs.CommandHandler;
import dev.annals.cqrs.CommandResult;
import dev.annals.cqrs.codec.Mappers;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.EventStoreBank;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.transfer.Terms;
import dev.annals.examples.bank.transfer.TransferCommand;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.examples.bank.transfer.TransferProcess;
import dev.annals.module.CommandOutcome;
import dev.annals.module.CommandRoute;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The bank's command routes, {@code POST /commands/bank/<name>}. Each body is a record naming the
 * stream's id (the domain commands themselves do not carry it); amounts are positive cents. A
 * {@code transfer} runs the whole transfer process (request, debit, credit or refund) in the call and
 * answers with the request's append and the transfer's final state. Thread-safe (stateless; handlers
 * are built per call over the server's store).
 */
public final class BankCommands {

  private static final ObjectMapper JSON = Mappers.strictRecords();

  private BankCommands() {}

  public record OpenAccount(String accountId, String owner) {
    public OpenAccount {
      Objects.requireNonNull(accountId, "accountId is required");
      Objects.requireNonNull(owner, "owner is required");
    }
  }

  /** {@code valueDate} back-dates the deposit (its {@code effectiveAt}). */
  public record Deposit(String accountId, long amount, Optional<Instant> valueDate) {
    public Deposit {
      Objects.requireNonNull(accountId, "accountId is required");
    }
  }

  public record Withdraw(String accountId, long amount) {
    public Withdraw {
      Objects.requireNonNull(accountId, "accountId is required");
    }
  }

  public record ChargeFee(String accountId, UUID feeId, String kind, long amount, Optional<Instant> effectiveAt) {
    public ChargeFee {
      Objects.requireNonNull(accountId, "accountId is required");
      Objects.requireNonNull(feeId, "feeId is required");
      Objects.requireNonNull(kind, "kind is required");
    }
  }

  /** The correction of a fee charged in error: effective at {@code effectiveAt}, revoking event {@code feeEventId}. */
  public record ReverseFee(String accountId, UUID feeId, UUID feeEventId, Instant effectiveAt) {
    public ReverseFee {
      Objects.requireNonNull(accountId, "accountId is required");
      Objects.requireNonNull(feeId, "feeId is required");
      Objects.requireNonNull(feeEventId, "feeEventId is required");
      Objects.requireNonNull(effectiveAt, "effectiveAt is required");
    }
  }

  public record Transfer(String transferId, String from, String to, long amount) {
    public Transfer {
      Objects.requireNonNull(transferId, "transferId is required");
      Objects.requireNonNull(from, "from is required");
      Objects.requireNonNull(to, "to is required");
    }
  }

  public record PlaceOrder(String orderId, String accountId, String item, long amount) {
    public PlaceOrder {
      Objects.requireNonNull(orderId, "orderId is required");
      Objects.requireNonNull(accountId, "accountId is required");
      Objects.requireNonNull(item, "item is required");
    }
  }

  public record CancelOrder(String orderId, String reason) {
    public CancelOrder {
      Objects.requireNonNull(orderId, "orderId is required");
      Objects.requireNonNull(reason, "reason is required");
    }
  }

  /** Every bank command route. */
  public static List<CommandRoute<?>> routes() {
    return List.of(
        account("open-account", OpenAccount.class, OpenAccount::accountId, c -> new AccountCommand.Open(c.accountId(), c.owner())),
        account("deposit", Deposit.class, Deposit::accountId, c -> new AccountCommand.Deposit(c.amount(), c.valueDate())),
        account("withdraw", Withdraw.class, Withdraw::accountId, c -> new AccountCommand.Withdraw(c.amount())),
        account("charge-fee", ChargeFee.class, ChargeFee::accountId,
            c -> new AccountCommand.ChargeFee(c.feeId(), c.kind(), c.amount(), c.effectiveAt())),
        new CommandRoute<>("reverse-fee", ReverseFee.class, c -> List.of(AccountDecider.stream(c.accountId())),
            BankCommands::reverseFee),
        new CommandRoute<>("transfer", Transfer.class,
            c -> List.of(TransferDecider.stream(c.transferId()), AccountDecider.stream(c.from()), AccountDecider.stream(c.to())),
            BankCommands::transfer),
        order("place-order", PlaceOrder.class, PlaceOrder::orderId,
            c -> new OrderCommand.Place(c.orderId(), c.accountId(), c.item(), c.amount())),
        order("cancel-order", CancelOrder.class, CancelOrder::orderId, c -> new OrderCommand.Cancel(c.reason())));
  }

  private static <B> CommandRoute<B> account(String name, Class<B> body, java.util.function.Function<B, String> id,
      java.util.function.Function<B, AccountCommand> command) {
    return new CommandRoute<>(name, body, c -> List.of(AccountDecider.stream(id.apply(c))), (store, c, ctx) ->
        outcome(new CommandHandler<>(store, AccountDecider.decider(), BankCodecs.accounts())
            .handle(AccountDecider.stream(id.apply(c)), command.apply(c), ctx)));
  }

  private static <B> CommandRoute<B> order(String name, Class<B> body, java.util.function.Function<B, String> id,
      java.util.function.Function<B, OrderCommand> command) {
    return new CommandRoute<>(name, body, c -> List.of(OrderDecider.stream(id.apply(c))), (store, c, ctx) ->
        outcome(new CommandHandler<>(store, OrderDecider.decider(), BankCodecs.orders())
            .handle(OrderDecider.stream(id.apply(c)), command.apply(c), ctx)));
  }

  /**
   * A reversal revokes the event {@code feeEventId} in every valid-at view, so it must be that fee's
   * charge on that account: anything else (a deposit's id, another fee's) is refused before deciding.
   */
  private static CommandOutcome reverseFee(EventStore store, ReverseFee c, CommandContext ctx) {
    String stream = AccountDecider.stream(c.accountId());
    if (store.streamVersion(stream) > 0) { // else the decider answers account_not_opened
      Optional<RecordedEvent> charge = findEvent(store, stream, c.feeEventId());
      boolean isTheCharge = charge.isPresent() && charge.get().type().equals("FeeCharged")
          && BankCodecs.accounts().decode(charge.get()) instanceof AccountEvent.FeeCharged f && f.feeId().equals(c.feeId());
      if (!isTheCharge) {
        throw new RejectedException(new Rejection.NotTheFeesCharge(c.accountId(), c.feeId(), c.feeEventId(),
            charge.map(RecordedEvent::type)));
      }
    }
    return outcome(new CommandHandler<>(store, AccountDecider.decider(), BankCodecs.accounts())
        .handle(stream, new AccountCommand.ReverseFee(c.feeId(), c.feeEventId(), c.effectiveAt()), ctx));
  }

  private static Optional<RecordedEvent> findEvent(EventStore store, String stream, UUID id) {
    long from = 1;
    while (true) {
      Page page = store.readStream(stream, from, Direction.FORWARD, 1000);
      for (RecordedEvent e : page.events()) {
        if (e.id().equals(id)) {
          return Optional.of(e);
        }
      }
      if (page.end()) {
        return Optional.empty();
      }
      from = page.next();
    }
  }

  private static CommandOutcome transfer(EventStore store, Transfer c, CommandContext ctx) {
    EventStoreBank bank = new EventStoreBank(store);
    var handler = new CommandHandler<>(store, TransferDecider.decider(), BankCodecs.transfers());
    Terms terms = new Terms(c.transferId(), c.from(), c.to(), c.amount());
    CommandResult<?, ?> requested = handler.handle(TransferDecider.stream(c.transferId()),
        new TransferCommand.Request(terms), ctx.correlationId().isPresent() ? ctx : ctx.withCorrelationId(c.transferId()));
    new TransferProcess(bank).run(c.transferId());
    var done = bank.loadTransfer(c.transferId());
    return new CommandOutcome(requested.stream(), requested.append(), requested.repeated(), done.version(),
        state(done.state()));
  }

  private static CommandOutcome outcome(CommandResult<?, ?> r) {
    return new CommandOutcome(r.stream(), r.append(), r.repeated(), r.streamVersion(), state(r.state()));
  }

  /** The state's record as JSON, with its case ({@code Open}, {@code Closed}, ...) under {@code "case"}. */
  public static JsonNode state(Object state) {
    JsonNode body = JSON.valueToTree(state);
    ObjectNode out = JSON.createObjectNode().put("case", state.getClass().getSimpleName());
    if (body.isObject()) {
      out.setAll((ObjectNode) body);
    } else {
      out.set("value", body);
    }
    return out;
  }
}
