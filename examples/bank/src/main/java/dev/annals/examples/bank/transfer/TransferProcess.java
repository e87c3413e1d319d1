package dev.annals.examples.bank.transfer;

import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.Bank;
import dev.annals.examples.bank.ProcessIds;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.account.AccountDecider;
import java.util.UUID;

/**
 * Runs transfers: request on {@code transfer-<id>}, debit the source, record it, credit the target,
 * record completion; when the target refuses the credit, record that, give the source its money back
 * and record the failure. The next step is always {@link TransferStep#next} of the transfer's stored
 * state, so {@link #run} after a crash (or twice at once) continues where the stream says, and every
 * step uses a deterministic command id: the source is debited once, the target credited once, the
 * refund made once.
 *
 * <p>Every event carries {@code correlationId} = the transfer id and a {@code causationId} chaining
 * it to the event that caused it; legs run as actor {@value #ACTOR}. Thread-safe if the
 * {@link Bank} is.
 */
public final class TransferProcess {

  public static final String ACTOR = "system:transfers";
  private static final int MAX_STEPS = 8;

  private final Bank bank;

  public TransferProcess(Bank bank) {
    this.bank = bank;
  }

  /** The command id of {@code step} of transfer {@code transferId}. */
  public static UUID commandId(String transferId, String step) {
    return ProcessIds.command("transfer", transferId, step);
  }

  /**
   * Requests the transfer (its correlation id becomes the transfer id; a repeat of the same request
   * command writes nothing) and runs it to its end.
   *
   * @throws RejectedException the request itself is refused (bad amount, same account, other terms)
   */
  public TransferState start(Terms terms, CommandContext request) {
    bank.transfer(terms.transferId(), new TransferCommand.Request(terms),
        request.withCorrelationId(terms.transferId()));
    return run(terms.transferId());
  }

  /** Runs the transfer's remaining steps; returns its final state (completed or failed). */
  public TransferState run(String transferId) {
    for (int i = 0; i < MAX_STEPS; i++) {
      if (step(transferId) instanceof TransferStep.Done done) {
        return done.outcome();
      }
    }
    throw new IllegalStateException("transfer " + transferId + " did not finish in " + MAX_STEPS + " steps");
  }

  /** Runs only the next step of the transfer; returns that step ({@link TransferStep.Done} when none was left). */
  public TransferStep step(String transferId) {
    var loaded = bank.loadTransfer(transferId);
    TransferStep step = TransferStep.next(loaded.state());
    String cause = loaded.lastEventId().map(UUID::toString).orElse(transferId);
    switch (step) {
      case TransferStep.Done d -> { }
      case TransferStep.DebitSource d -> {
        Terms t = d.terms();
        CommandContext leg = context(t, "debit", cause);
        try {
          bank.account(t.from(), new AccountCommand.Debit(reference(t), t.amount()), leg);
        } catch (RejectedException refused) {
          bank.transfer(t.transferId(), new TransferCommand.RecordFailure(refused.reason()),
              context(t, "debit-refused", cause).withReason(refused.getMessage()));
          return step;
        }
        bank.transfer(t.transferId(), new TransferCommand.RecordDebit(),
            context(t, "debited", causedBy(AccountDecider.stream(t.from()), leg)));
      }
      case TransferStep.CreditTarget c -> {
        Terms t = c.terms();
        CommandContext leg = context(t, "credit", cause);
        try {
          bank.account(t.to(), new AccountCommand.Credit(reference(t), t.amount()), leg);
        } catch (RejectedException refused) {
          bank.transfer(t.transferId(), new TransferCommand.RecordCreditRejected(refused.reason()),
              context(t, "credit-refused", cause).withReason(refused.getMessage()));
          return step;
        }
        bank.transfer(t.transferId(), new TransferCommand.RecordCredit(),
            context(t, "credited", causedBy(AccountDecider.stream(t.to()), leg)));
      }
      case TransferStep.RefundSource r -> {
        Terms t = r.terms();
        CommandContext leg = context(t, "refund", cause).withReason("compensation: " + r.reason());
        bank.account(t.from(), new AccountCommand.ReverseDebit(reference(t)), leg);
        bank.transfer(t.transferId(), new TransferCommand.RecordFailure(r.reason()),
            context(t, "refunded", causedBy(AccountDecider.stream(t.from()), leg)));
      }
    }
    return step;
  }

  /** The reference under which a transfer's legs are booked on both accounts. */
  public static String reference(Terms t) {
    return TransferDecider.stream(t.transferId());
  }

  private static CommandContext context(Terms t, String step, String causationId) {
    return CommandContext.of(commandId(t.transferId(), step))
        .withCorrelationId(t.transferId())
        .withCausationId(causationId)
        .withActor(ACTOR);
  }

  private static String causedBy(String stream, CommandContext leg) {
    return ProcessIds.firstEvent(stream, leg.commandId()).toString();
  }
}
