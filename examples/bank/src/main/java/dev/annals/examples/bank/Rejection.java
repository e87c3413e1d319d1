package dev.annals.examples.bank;

import java.util.UUID;

/**
 * Why the bank refused a command, with the facts attached. Amounts are in cents. Each case has a
 * stable {@link #code()} callers can branch on (and that travels over HTTP).
 */
public sealed interface Rejection {

  /** A stable snake_case code, e.g. {@code insufficient_funds}. */
  String code();

  /** Human text with the facts. */
  String message();

  record InvalidAmount(long amount) implements Rejection {
    public String code() { return "invalid_amount"; }
    public String message() { return "amount must be a positive number of cents, was " + amount; }
  }

  /** The balance would leave the range of a {@code long} number of cents (it would wrap around). */
  record AmountTooLarge(String accountId, long balance, long amount) implements Rejection {
    public String code() { return "amount_too_large"; }
    public String message() {
      return "account " + accountId + " has " + Cents.format(balance) + "; adding " + Cents.format(amount)
          + " would exceed the largest balance, " + Cents.format(Long.MAX_VALUE);
    }
  }

  record AccountNotOpened() implements Rejection {
    public String code() { return "account_not_opened"; }
    public String message() { return "the account has not been opened"; }
  }

  record AccountAlreadyOpened(String accountId) implements Rejection {
    public String code() { return "account_already_opened"; }
    public String message() { return "account " + accountId + " is already opened"; }
  }

  record AccountClosed(String accountId) implements Rejection {
    public String code() { return "account_closed"; }
    public String message() { return "account " + accountId + " is closed"; }
  }

  record InsufficientFunds(String accountId, long balance, long amount) implements Rejection {
    public String code() { return "insufficient_funds"; }
    public String message() {
      return "account " + accountId + " has " + Cents.format(balance) + ", cannot take " + Cents.format(amount);
    }
  }

  record BalanceNotZero(String accountId, long balance) implements Rejection {
    public String code() { return "balance_not_zero"; }
    public String message() {
      return "account " + accountId + " still holds " + Cents.format(balance) + "; it can only close at 0.00";
    }
  }

  record FeeNotFound(String accountId, UUID feeId) implements Rejection {
    public String code() { return "fee_not_found"; }
    public String message() { return "account " + accountId + " has no fee " + feeId; }
  }

  /** A fee reversal names, as the event it revokes, an event that is not that fee's charge. */
  record NotTheFeesCharge(String accountId, UUID feeId, UUID feeEventId, java.util.Optional<String> foundType)
      implements Rejection {
    public String code() { return "not_the_fees_charge"; }
    public String message() {
      return "event " + feeEventId + " " + foundType.map(t -> "is a " + t + ", not the charge of fee " + feeId)
          .orElse("is not on account " + accountId) + "; a reversal may only revoke its fee's FeeCharged event";
    }
  }

  record FeeAlreadyReversed(String accountId, UUID feeId) implements Rejection {
    public String code() { return "fee_already_reversed"; }
    public String message() { return "fee " + feeId + " on account " + accountId + " is already reversed"; }
  }

  record DebitNotFound(String accountId, String reference) implements Rejection {
    public String code() { return "debit_not_found"; }
    public String message() { return "account " + accountId + " has no debit '" + reference + "' to reverse"; }
  }

  record SameAccount(String accountId) implements Rejection {
    public String code() { return "same_account"; }
    public String message() { return "a transfer needs two different accounts, both were " + accountId; }
  }

  record TransferNotFound() implements Rejection {
    public String code() { return "transfer_not_found"; }
    public String message() { return "no such transfer has been requested"; }
  }

  record TransferConflict(String transferId, String detail) implements Rejection {
    public String code() { return "transfer_conflict"; }
    public String message() { return "transfer " + transferId + ": " + detail; }
  }

  record OrderNotPlaced() implements Rejection {
    public String code() { return "order_not_placed"; }
    public String message() { return "no such order has been placed"; }
  }

  /** The order's status does not allow the command (e.g. shipping an unpaid order). */
  record OrderTransitionRejected(String orderId, String status, String attempted) implements Rejection {
    public String code() { return "order_transition_rejected"; }
    public String message() { return "order " + orderId + " is " + status + "; cannot " + attempted; }
  }
}
