package dev.annals.examples.bank.account;

import java.util.UUID;

/**
 * What happened to an account. Amounts are cents. The account id is the stream's ({@code account-<id>});
 * times, ids and metadata live in the envelope, not here.
 */
public sealed interface AccountEvent {

  record AccountOpened(String accountId, String owner) implements AccountEvent {}

  record Deposited(long amount) implements AccountEvent {}

  record Withdrawn(long amount) implements AccountEvent {}

  record FeeCharged(UUID feeId, String kind, long amount) implements AccountEvent {}

  /**
   * A fee given back. Folded in version order (what the bank believed) it credits the fee; folded in
   * the valid-at view, where the revoked {@link FeeCharged} is left out, it finds no open fee and
   * changes nothing. Either way the fee counts zero once reversed.
   */
  record FeeReversed(UUID feeId, long amount) implements AccountEvent {}

  record Debited(String reference, long amount) implements AccountEvent {}

  record Credited(String reference, long amount) implements AccountEvent {}

  record DebitReversed(String reference, long amount) implements AccountEvent {}

  record AccountClosed() implements AccountEvent {}
}
