package dev.annals.cqrs.account;

/** Events of the example account domain. */
public sealed interface AccountEvent {

  record AccountOpened(String owner) implements AccountEvent {}

  /** Schema 2; schema 1 was {@code {"cents": n}}. */
  record Deposited(long amount) implements AccountEvent {}

  record Withdrawn(long amount) implements AccountEvent {}

  /** Sets fee {@code feeId} to {@code amount} (a correction re-states the fee). Was type FeeTaken {@code {"fee", "amount"}}. */
  record FeeCharged(String feeId, long amount) implements AccountEvent {}

  record FeeWaived(String feeId) implements AccountEvent {}

  record AccountClosed() implements AccountEvent {}
}
