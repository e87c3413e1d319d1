package dev.annals.examples.bank.transfer;

/**
 * The next thing a transfer needs, as a pure function of its state ({@link #next}). Running a step
 * twice is harmless: each account leg is idempotent by its reference ({@code transfer-<id>}) and by
 * its deterministic command id.
 */
public sealed interface TransferStep {

  /** Debit the source account. */
  record DebitSource(Terms terms) implements TransferStep {}

  /** Credit the target account. */
  record CreditTarget(Terms terms) implements TransferStep {}

  /** Give the source its money back: the target refused the credit. */
  record RefundSource(Terms terms, String reason) implements TransferStep {}

  /** Nothing left to do (or nothing requested). */
  record Done(TransferState outcome) implements TransferStep {}

  static TransferStep next(TransferState state) {
    return switch (state) {
      case TransferState.NotRequested n -> new Done(n);
      case TransferState.Requested r -> new DebitSource(r.terms());
      case TransferState.Debited d -> new CreditTarget(d.terms());
      case TransferState.Compensating c -> new RefundSource(c.terms(), c.reason());
      case TransferState.Completed c -> new Done(c);
      case TransferState.Failed f -> new Done(f);
    };
  }
}
