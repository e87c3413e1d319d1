package dev.annals.examples.bank.account;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** An account as folded from its events. Immutable. */
public sealed interface AccountState {

  /** Cents held; 0 before opening. */
  long balance();

  record NotOpened() implements AccountState {
    public long balance() {
      return 0;
    }
  }

  record Open(Ledger ledger) implements AccountState {
    public long balance() {
      return ledger.balance();
    }
  }

  record Closed(Ledger ledger) implements AccountState {
    public long balance() {
      return ledger.balance();
    }
  }

  /**
   * The account's book.
   *
   * @param fees fees charged and not reversed, by fee id (cents)
   * @param reversedFees fees reversed (including ones whose charge the view left out)
   * @param debits every debit by reference (cents), reversed or not
   * @param reversedDebits references of debits given back
   * @param credits references of credits received
   */
  record Ledger(
      String accountId,
      String owner,
      long balance,
      Map<UUID, Long> fees,
      Set<UUID> reversedFees,
      Map<String, Long> debits,
      Set<String> reversedDebits,
      Set<String> credits) {

    public Ledger {
      fees = Map.copyOf(fees);
      reversedFees = Set.copyOf(reversedFees);
      debits = Map.copyOf(debits);
      reversedDebits = Set.copyOf(reversedDebits);
      credits = Set.copyOf(credits);
    }

    static Ledger opened(String accountId, String owner) {
      return new Ledger(accountId, owner, 0, Map.of(), Set.of(), Map.of(), Set.of(), Set.of());
    }

    Ledger plus(long cents) {
      return new Ledger(accountId, owner, balance + cents, fees, reversedFees, debits, reversedDebits, credits);
    }

    Ledger feeCharged(UUID feeId, long amount) {
      Map<UUID, Long> f = new HashMap<>(fees);
      f.put(feeId, amount);
      return new Ledger(accountId, owner, balance - amount, f, reversedFees, debits, reversedDebits, credits);
    }

    Ledger feeReversed(UUID feeId) {
      Long charged = fees.get(feeId);
      Map<UUID, Long> f = new HashMap<>(fees);
      f.remove(feeId);
      Set<UUID> r = new HashSet<>(reversedFees);
      r.add(feeId);
      return new Ledger(accountId, owner, balance + (charged == null ? 0 : charged), f, r, debits, reversedDebits,
          credits);
    }

    Ledger debited(String reference, long amount) {
      Map<String, Long> d = new HashMap<>(debits);
      d.put(reference, amount);
      return new Ledger(accountId, owner, balance - amount, fees, reversedFees, d, reversedDebits, credits);
    }

    Ledger debitReversed(String reference, long amount) {
      Set<String> r = new HashSet<>(reversedDebits);
      r.add(reference);
      return new Ledger(accountId, owner, balance + amount, fees, reversedFees, debits, r, credits);
    }

    Ledger credited(String reference, long amount) {
      Set<String> c = new HashSet<>(credits);
      c.add(reference);
      return new Ledger(accountId, owner, balance + amount, fees, reversedFees, debits, reversedDebits, c);
    }
  }
}
