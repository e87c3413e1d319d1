package dev.annals.examples.bank.transfer;

/** Commands on a transfer's own stream: its request and the record of each leg's outcome. */
public sealed interface TransferCommand {

  record Request(Terms terms) implements TransferCommand {}

  /** The source account was debited. */
  record RecordDebit() implements TransferCommand {}

  /** The target account was credited: the transfer is complete. */
  record RecordCredit() implements TransferCommand {}

  /** The source refused the debit (nothing moved), or the refund after a refused credit was made. */
  record RecordFailure(String reason) implements TransferCommand {}

  /** The target refused the credit; the source must be refunded. */
  record RecordCreditRejected(String reason) implements TransferCommand {}
}
