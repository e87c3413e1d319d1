package dev.annals.examples.bank.transfer;

/** Where a transfer stands. Immutable. */
public sealed interface TransferState {

  record NotRequested() implements TransferState {}

  /** Requested; the source is not debited yet. */
  record Requested(Terms terms) implements TransferState {}

  /** The source is debited; the target is not credited yet. */
  record Debited(Terms terms) implements TransferState {}

  /** The target refused the credit; the source is not refunded yet. */
  record Compensating(Terms terms, String reason) implements TransferState {}

  record Completed(Terms terms) implements TransferState {}

  record Failed(Terms terms, String reason, boolean refunded) implements TransferState {}
}
