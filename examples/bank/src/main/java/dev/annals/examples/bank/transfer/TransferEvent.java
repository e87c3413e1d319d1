package dev.annals.examples.bank.transfer;

/** What happened to a transfer, on its stream {@code transfer-<id>}. Amounts in cents. */
public sealed interface TransferEvent {

  record TransferRequested(String transferId, String from, String to, long amount) implements TransferEvent {}

  record SourceDebited(String from, long amount) implements TransferEvent {}

  record TransferCompleted(String to, long amount) implements TransferEvent {}

  /** The credit leg was refused (e.g. the target is closed); a refund of the source follows. */
  record CreditRejected(String reason) implements TransferEvent {}

  /**
   * The transfer ended without moving money: either the debit was refused ({@code refunded} false)
   * or the source was refunded after a refused credit ({@code refunded} true).
   */
  record TransferFailed(String reason, boolean refunded) implements TransferEvent {}
}
