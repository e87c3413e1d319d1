package dev.annals.examples.bank.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What can be asked of an account. Amounts are positive cents; ids and times arrive here, never from {@code now()}. */
public sealed interface AccountCommand {

  record Open(String accountId, String owner) implements AccountCommand {}

  /** Money paid in from outside the bank; {@code valueDate} back-dates it (e.g. a cheque's value date). */
  record Deposit(long amount, Optional<Instant> valueDate) implements AccountCommand {
    public Deposit(long amount) {
      this(amount, Optional.empty());
    }
  }

  /** Money paid out of the bank. Never takes the balance below zero. */
  record Withdraw(long amount) implements AccountCommand {}

  /**
   * A fee. {@code feeId} is the fee's domain id (a repeat with the same id charges nothing);
   * {@code effectiveAt} back-dates it (a monthly fee posted after month end).
   */
  record ChargeFee(UUID feeId, String kind, long amount, Optional<Instant> effectiveAt) implements AccountCommand {}

  /**
   * The correction of a fee charged in error: reverses fee {@code feeId}, taking effect at
   * {@code effectiveAt} (normally the fee's own effective time, in the past) and revoking the stored
   * event {@code feeEventId} (metadata {@code revokes}), so the valid-at view never shows the fee.
   */
  record ReverseFee(UUID feeId, UUID feeEventId, Instant effectiveAt) implements AccountCommand {}

  /** Takes money for a transfer or a payment; idempotent by {@code reference}. */
  record Debit(String reference, long amount) implements AccountCommand {}

  /** Gives money from a transfer; idempotent by {@code reference}. */
  record Credit(String reference, long amount) implements AccountCommand {}

  /** Gives back the debit {@code reference} (a compensation or a refund); idempotent. */
  record ReverseDebit(String reference) implements AccountCommand {}

  /** Closes the account; only at a zero balance. */
  record Close() implements AccountCommand {}
}
