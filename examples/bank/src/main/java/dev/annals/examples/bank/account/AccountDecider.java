package dev.annals.examples.bank.account;

import dev.annals.cqrs.Decider;
import dev.annals.cqrs.Emitted;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.account.AccountCommand.Close;
import dev.annals.examples.bank.account.AccountCommand.ChargeFee;
import dev.annals.examples.bank.account.AccountCommand.Credit;
import dev.annals.examples.bank.account.AccountCommand.Debit;
import dev.annals.examples.bank.account.AccountCommand.Deposit;
import dev.annals.examples.bank.account.AccountCommand.Open;
import dev.annals.examples.bank.account.AccountCommand.ReverseDebit;
import dev.annals.examples.bank.account.AccountCommand.ReverseFee;
import dev.annals.examples.bank.account.AccountCommand.Withdraw;
import dev.annals.examples.bank.account.AccountEvent.AccountClosed;
import dev.annals.examples.bank.account.AccountEvent.AccountOpened;
import dev.annals.examples.bank.account.AccountEvent.Credited;
import dev.annals.examples.bank.account.AccountEvent.DebitReversed;
import dev.annals.examples.bank.account.AccountEvent.Debited;
import dev.annals.examples.bank.account.AccountEvent.Deposited;
import dev.annals.examples.bank.account.AccountEvent.FeeCharged;
import dev.annals.examples.bank.account.AccountEvent.FeeReversed;
import dev.annals.examples.bank.account.AccountEvent.Withdrawn;
import dev.annals.examples.bank.account.AccountState.Closed;
import dev.annals.examples.bank.account.AccountState.Ledger;
import dev.annals.examples.bank.account.AccountState.NotOpened;
import java.util.List;

/**
 * The account rules as two pure functions. {@code decide} throws {@link RejectedException} when a
 * rule is broken and returns no events when a command was already applied (a repeated transfer leg,
 * fee or reversal), so steps of a process can be re-run safely.
 *
 * <p>{@code evolve} is total: it never throws, whatever order a temporal view folds events in
 * (the valid-at view folds by effective time and leaves out revoked events).
 */
public final class AccountDecider {

  private AccountDecider() {}

  public static final String CATEGORY = "account";

  /** The stream of account {@code accountId}: {@code account-<id>}. */
  public static String stream(String accountId) {
    return CATEGORY + "-" + accountId;
  }

  /**
   * This decider for annals-cqrs: {@link #decide} plus the envelope facts of corrections — a
   * {@link ReverseFee} takes effect at the command's {@code effectiveAt} and revokes the fee's event;
   * a back-dated deposit or fee takes effect at its given time.
   */
  public static Decider<AccountCommand, AccountState, AccountEvent> decider() {
    return Decider.withCorrections(AccountDecider::emit, AccountDecider::evolve, initialState());
  }

  /** {@link #decide} with each event's effective time and revocations. */
  public static List<Emitted<AccountEvent>> emit(AccountCommand command, AccountState state) {
    return decide(command, state).stream().map(e -> {
      Emitted<AccountEvent> emitted = Emitted.of(e);
      return switch (command) {
        case ReverseFee r -> emitted.effectiveAt(r.effectiveAt()).revoking(r.feeEventId());
        case Deposit d -> d.valueDate().map(emitted::effectiveAt).orElse(emitted);
        case ChargeFee f -> f.effectiveAt().map(emitted::effectiveAt).orElse(emitted);
        default -> emitted;
      };
    }).toList();
  }

  public static AccountState initialState() {
    return new NotOpened();
  }

  public static List<AccountEvent> decide(AccountCommand command, AccountState state) {
    if (command instanceof Open(String accountId, String owner)) {
      return switch (state) {
        case NotOpened n -> List.of(new AccountOpened(accountId, owner));
        case AccountState.Open o -> throw reject(new Rejection.AccountAlreadyOpened(o.ledger().accountId()));
        case Closed c -> throw reject(new Rejection.AccountAlreadyOpened(c.ledger().accountId()));
      };
    }
    return switch (state) {
      case NotOpened n -> throw reject(new Rejection.AccountNotOpened());
      case AccountState.Open o -> decideOpen(command, o.ledger());
      case Closed c -> decideClosed(command, c.ledger());
    };
  }

  private static List<AccountEvent> decideOpen(AccountCommand command, Ledger book) {
    return switch (command) {
      case Open o -> throw reject(new Rejection.AccountAlreadyOpened(book.accountId()));
      case Deposit d -> List.of(new Deposited(fits(book, positive(d.amount()))));
      case Withdraw w -> {
        covered(book, positive(w.amount()));
        yield List.of(new Withdrawn(w.amount()));
      }
      case ChargeFee f -> {
        if (book.fees().containsKey(f.feeId()) || book.reversedFees().contains(f.feeId())) {
          yield List.of();
        }
        covered(book, positive(f.amount()));
        yield List.of(new FeeCharged(f.feeId(), f.kind(), f.amount()));
      }
      case ReverseFee r -> {
        if (book.reversedFees().contains(r.feeId())) {
          throw reject(new Rejection.FeeAlreadyReversed(book.accountId(), r.feeId()));
        }
        Long charged = book.fees().get(r.feeId());
        if (charged == null) {
          throw reject(new Rejection.FeeNotFound(book.accountId(), r.feeId()));
        }
        yield List.of(new FeeReversed(r.feeId(), charged));
      }
      case Debit d -> {
        if (book.debits().containsKey(d.reference())) {
          yield List.of();
        }
        covered(book, positive(d.amount()));
        yield List.of(new Debited(d.reference(), d.amount()));
      }
      case Credit c -> {
        fits(book, positive(c.amount()));
        yield book.credits().contains(c.reference()) ? List.of() : List.of(new Credited(c.reference(), c.amount()));
      }
      case ReverseDebit r -> reverseDebit(r, book);
      case Close c -> {
        if (book.balance() != 0) {
          throw reject(new Rejection.BalanceNotZero(book.accountId(), book.balance()));
        }
        yield List.of(new AccountClosed());
      }
    };
  }

  /**
   * A closed account takes nothing new, but money that left it for a transfer that failed may still
   * come back (a compensation must always succeed); the balance is then owed to the owner.
   */
  private static List<AccountEvent> decideClosed(AccountCommand command, Ledger book) {
    return switch (command) {
      case ReverseDebit r -> reverseDebit(r, book);
      case Debit d when book.debits().containsKey(d.reference()) -> List.of();
      case Credit c when book.credits().contains(c.reference()) -> List.of();
      case Open o -> throw reject(new Rejection.AccountAlreadyOpened(book.accountId()));
      default -> throw reject(new Rejection.AccountClosed(book.accountId()));
    };
  }

  private static List<AccountEvent> reverseDebit(ReverseDebit r, Ledger book) {
    if (book.reversedDebits().contains(r.reference())) {
      return List.of();
    }
    Long amount = book.debits().get(r.reference());
    if (amount == null) {
      throw reject(new Rejection.DebitNotFound(book.accountId(), r.reference()));
    }
    return List.of(new DebitReversed(r.reference(), amount));
  }

  public static AccountState evolve(AccountState state, AccountEvent event) {
    return switch (state) {
      case NotOpened n -> event instanceof AccountOpened(String id, String owner)
          ? new AccountState.Open(Ledger.opened(id, owner))
          : state; // nothing happens to an account before it exists (only a reordered view shows this)
      case AccountState.Open o -> event instanceof AccountClosed
          ? new Closed(o.ledger())
          : new AccountState.Open(apply(o.ledger(), event));
      case Closed c -> new Closed(apply(c.ledger(), event));
    };
  }

  private static Ledger apply(Ledger book, AccountEvent event) {
    return switch (event) {
      case AccountOpened o -> book;
      case Deposited d -> book.plus(d.amount());
      case Withdrawn w -> book.plus(-w.amount());
      case FeeCharged f -> book.feeCharged(f.feeId(), f.amount());
      case FeeReversed r -> book.feeReversed(r.feeId());
      case Debited d -> book.debited(d.reference(), d.amount());
      case Credited c -> book.credited(c.reference(), c.amount());
      case DebitReversed r -> book.debitReversed(r.reference(), r.amount());
      case AccountClosed c -> book;
    };
  }

  /** Folds events in the order given from the initial state. */
  public static AccountState fold(Iterable<AccountEvent> events) {
    AccountState s = initialState();
    for (AccountEvent e : events) {
      s = evolve(s, e);
    }
    return s;
  }

  private static long positive(long amount) {
    if (amount <= 0) {
      throw reject(new Rejection.InvalidAmount(amount));
    }
    return amount;
  }

  /** The balance after adding {@code amount} must still be a number of cents a {@code long} holds. */
  private static long fits(Ledger book, long amount) {
    if (amount > Long.MAX_VALUE - Math.max(0, book.balance())) {
      throw reject(new Rejection.AmountTooLarge(book.accountId(), book.balance(), amount));
    }
    return amount;
  }

  private static void covered(Ledger book, long amount) {
    if (amount > book.balance()) {
      throw reject(new Rejection.InsufficientFunds(book.accountId(), book.balance(), amount));
    }
  }

  private static RejectedException reject(Rejection r) {
    return new RejectedException(r);
  }
}
