package dev.annals.cqrs.account;

import java.time.Instant;
import java.util.UUID;

/** Commands of the example account domain. Times and ids arrive in the command. */
public sealed interface AccountCommand {

  record Open(String owner) implements AccountCommand {}

  record Deposit(long amount) implements AccountCommand {}

  /** A deposit that took effect in the past (a late-arriving fact). */
  record BackdatedDeposit(long amount, Instant effectiveAt) implements AccountCommand {}

  record Withdraw(long amount) implements AccountCommand {}

  record ChargeFee(String feeId, long amount) implements AccountCommand {}

  /** The fee {@code feeId} should have been {@code amount} from {@code effectiveAt}; voids the wrong event. */
  record CorrectFee(String feeId, long amount, Instant effectiveAt, UUID wrongEventId) implements AccountCommand {}

  /** The fee {@code feeId} should never have been charged; voids its event. */
  record WaiveFee(String feeId, Instant effectiveAt, UUID feeEventId) implements AccountCommand {}

  record Close() implements AccountCommand {}
}
