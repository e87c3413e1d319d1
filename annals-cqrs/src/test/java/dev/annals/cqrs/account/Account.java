package dev.annals.cqrs.account;

import dev.annals.cqrs.CommandRejectedException;
import dev.annals.cqrs.Decider;
import dev.annals.cqrs.Emitted;
import dev.annals.cqrs.account.AccountCommand.BackdatedDeposit;
import dev.annals.cqrs.account.AccountCommand.ChargeFee;
import dev.annals.cqrs.account.AccountCommand.Close;
import dev.annals.cqrs.account.AccountCommand.CorrectFee;
import dev.annals.cqrs.account.AccountCommand.Deposit;
import dev.annals.cqrs.account.AccountCommand.Open;
import dev.annals.cqrs.account.AccountCommand.WaiveFee;
import dev.annals.cqrs.account.AccountCommand.Withdraw;
import dev.annals.cqrs.account.AccountEvent.AccountClosed;
import dev.annals.cqrs.account.AccountEvent.AccountOpened;
import dev.annals.cqrs.account.AccountEvent.Deposited;
import dev.annals.cqrs.account.AccountEvent.FeeCharged;
import dev.annals.cqrs.account.AccountEvent.FeeWaived;
import dev.annals.cqrs.account.AccountEvent.Withdrawn;
import dev.annals.cqrs.account.AccountState.Active;
import dev.annals.cqrs.account.AccountState.Closed;
import dev.annals.cqrs.account.AccountState.Unopened;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.codec.JacksonStateCodec;
import dev.annals.cqrs.codec.Upcaster;
import java.util.List;
import java.util.Map;

/** The example account domain: decide, evolve, codecs. */
public final class Account {

  private Account() {}

  public static final Decider<AccountCommand, AccountState, AccountEvent> DECIDER =
      Decider.withCorrections(Account::decide, Account::evolve, new Unopened());

  public static List<Emitted<AccountEvent>> decide(AccountCommand command, AccountState state) {
    return switch (command) {
      case Open o -> switch (state) {
        case Unopened u -> one(new AccountOpened(o.owner()));
        case Active a -> throw new CommandRejectedException("already_open", "account of " + a.owner() + " is open");
        case Closed c -> throw new CommandRejectedException("closed", "account of " + c.owner() + " is closed");
      };
      case Deposit d -> {
        Active a = active(state);
        positive(d.amount());
        yield one(new Deposited(d.amount()));
      }
      case BackdatedDeposit d -> {
        active(state);
        positive(d.amount());
        yield List.of(Emitted.<AccountEvent>of(new Deposited(d.amount())).effectiveAt(d.effectiveAt()));
      }
      case Withdraw w -> {
        Active a = active(state);
        positive(w.amount());
        if (a.balance() < w.amount()) {
          throw new CommandRejectedException("insufficient_funds",
              "balance " + a.balance() + " is below the withdrawal of " + w.amount());
        }
        yield one(new Withdrawn(w.amount()));
      }
      case ChargeFee f -> {
        Active a = active(state);
        positive(f.amount());
        if (a.fees().containsKey(f.feeId())) {
          throw new CommandRejectedException("duplicate_fee", "fee " + f.feeId() + " is already charged");
        }
        yield one(new FeeCharged(f.feeId(), f.amount()));
      }
      case CorrectFee f -> {
        Active a = active(state);
        positive(f.amount());
        knownFee(a, f.feeId());
        yield List.of(Emitted.<AccountEvent>of(new FeeCharged(f.feeId(), f.amount()))
            .effectiveAt(f.effectiveAt()).revoking(f.wrongEventId()));
      }
      case WaiveFee f -> {
        Active a = active(state);
        knownFee(a, f.feeId());
        yield List.of(Emitted.<AccountEvent>of(new FeeWaived(f.feeId()))
            .effectiveAt(f.effectiveAt()).revoking(f.feeEventId()));
      }
      case Close c -> {
        Active a = active(state);
        if (a.balance() != 0) {
          throw new CommandRejectedException("balance_not_zero", "balance is " + a.balance() + ", not 0");
        }
        yield one(new AccountClosed());
      }
    };
  }

  /**
   * Total over every (state, event) pair: the valid-at view folds events in effective order, where
   * e.g. a backdated deposit may come before the opening; such events leave the state unchanged.
   */
  public static AccountState evolve(AccountState state, AccountEvent event) {
    return switch (event) {
      case AccountOpened o -> state instanceof Unopened ? new Active(o.owner(), 0, Map.of()) : state;
      case Deposited d -> state instanceof Active a ? a.withCredits(a.credits() + d.amount()) : state;
      case Withdrawn w -> state instanceof Active a ? a.withCredits(a.credits() - w.amount()) : state;
      case FeeCharged f -> state instanceof Active a ? a.withFee(f.feeId(), f.amount()) : state;
      case FeeWaived f -> state instanceof Active a ? a.withoutFee(f.feeId()) : state;
      case AccountClosed c -> state instanceof Active a ? new Closed(a.owner()) : state;
    };
  }

  public static JacksonEventCodec<AccountEvent> codec() {
    return JacksonEventCodec.builder(AccountEvent.class)
        .register("AccountOpened", AccountOpened.class)
        .register("Deposited", Deposited.class, 2)
        .register("Withdrawn", Withdrawn.class)
        .register("FeeCharged", FeeCharged.class)
        .register("FeeWaived", FeeWaived.class)
        .register("AccountClosed", AccountClosed.class)
        .upcast(Upcaster.of("Deposited", 1, d -> {
          var o = (com.fasterxml.jackson.databind.node.ObjectNode) d;
          o.set("amount", o.remove("cents"));
          return o;
        }))
        .upcast(new Upcaster("FeeTaken", 1, "FeeCharged", 1, d -> {
          var o = (com.fasterxml.jackson.databind.node.ObjectNode) d;
          o.set("feeId", o.remove("fee"));
          return o;
        }))
        .build();
  }

  public static JacksonStateCodec<AccountState> stateCodec(int schema) {
    return JacksonStateCodec.builder("account", schema, AccountState.class)
        .register("unopened", Unopened.class)
        .register("active", Active.class)
        .register("closed", Closed.class)
        .build();
  }

  private static List<Emitted<AccountEvent>> one(AccountEvent e) {
    return List.of(Emitted.of(e));
  }

  private static Active active(AccountState state) {
    return switch (state) {
      case Active a -> a;
      case Unopened u -> throw new CommandRejectedException("not_open", "the account is not open");
      case Closed c -> throw new CommandRejectedException("closed", "account of " + c.owner() + " is closed");
    };
  }

  private static void positive(long amount) {
    if (amount <= 0) {
      throw new CommandRejectedException("invalid_amount", "amount must be positive, was " + amount);
    }
  }

  private static void knownFee(Active a, String feeId) {
    if (!a.fees().containsKey(feeId)) {
      throw new CommandRejectedException("unknown_fee", "no fee " + feeId + " on this account");
    }
  }
}
