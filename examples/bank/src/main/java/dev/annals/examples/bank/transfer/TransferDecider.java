package dev.annals.examples.bank.transfer;

import dev.annals.cqrs.Decider;
import dev.annals.examples.bank.RejectedException;
import dev.annals.examples.bank.Rejection;
import dev.annals.examples.bank.transfer.TransferCommand.RecordCredit;
import dev.annals.examples.bank.transfer.TransferCommand.RecordCreditRejected;
import dev.annals.examples.bank.transfer.TransferCommand.RecordDebit;
import dev.annals.examples.bank.transfer.TransferCommand.RecordFailure;
import dev.annals.examples.bank.transfer.TransferCommand.Request;
import dev.annals.examples.bank.transfer.TransferEvent.CreditRejected;
import dev.annals.examples.bank.transfer.TransferEvent.SourceDebited;
import dev.annals.examples.bank.transfer.TransferEvent.TransferCompleted;
import dev.annals.examples.bank.transfer.TransferEvent.TransferFailed;
import dev.annals.examples.bank.transfer.TransferEvent.TransferRequested;
import dev.annals.examples.bank.transfer.TransferState.Compensating;
import dev.annals.examples.bank.transfer.TransferState.Completed;
import dev.annals.examples.bank.transfer.TransferState.Debited;
import dev.annals.examples.bank.transfer.TransferState.Failed;
import dev.annals.examples.bank.transfer.TransferState.NotRequested;
import dev.annals.examples.bank.transfer.TransferState.Requested;
import java.util.List;

/**
 * The transfer's own rules (pure). Recording a step that is already recorded returns no events, so
 * the process can re-run any step; recording a step the transfer cannot be at is rejected.
 */
public final class TransferDecider {

  private TransferDecider() {}

  public static final String CATEGORY = "transfer";

  public static String stream(String transferId) {
    return CATEGORY + "-" + transferId;
  }

  /** This decider for annals-cqrs. */
  public static Decider<TransferCommand, TransferState, TransferEvent> decider() {
    return Decider.of(TransferDecider::decide, TransferDecider::evolve, initialState());
  }

  public static TransferState initialState() {
    return new NotRequested();
  }

  public static List<TransferEvent> decide(TransferCommand command, TransferState state) {
    if (command instanceof Request(Terms t)) {
      if (t.amount() <= 0) {
        throw reject(new Rejection.InvalidAmount(t.amount()));
      }
      if (t.from().equals(t.to())) {
        throw reject(new Rejection.SameAccount(t.from()));
      }
      if (state instanceof NotRequested) {
        return List.of(new TransferRequested(t.transferId(), t.from(), t.to(), t.amount()));
      }
      if (terms(state).equals(t)) {
        return List.of();
      }
      throw reject(new Rejection.TransferConflict(t.transferId(), "already requested with other terms"));
    }
    if (state instanceof NotRequested) {
      throw reject(new Rejection.TransferNotFound());
    }
    Terms t = terms(state);
    return switch (command) {
      case Request r -> throw new IllegalStateException("handled above");
      case RecordDebit d -> switch (state) {
        case Requested r -> List.of(new SourceDebited(t.from(), t.amount()));
        case Debited x -> List.of();
        case Compensating x -> List.of();
        case Completed x -> List.of();
        case Failed f when f.refunded() -> List.of();
        default -> throw conflict(t, state, "record the debit");
      };
      case RecordCredit c -> switch (state) {
        case Debited d -> List.of(new TransferCompleted(t.to(), t.amount()));
        case Completed x -> List.of();
        default -> throw conflict(t, state, "record the credit");
      };
      case RecordCreditRejected r -> switch (state) {
        case Debited d -> List.of(new CreditRejected(r.reason()));
        case Compensating x -> List.of();
        case Failed f when f.refunded() -> List.of();
        default -> throw conflict(t, state, "record a refused credit");
      };
      case RecordFailure f -> switch (state) {
        case Requested r -> List.of(new TransferFailed(f.reason(), false));
        case Compensating c -> List.of(new TransferFailed(c.reason(), true));
        case Failed x -> List.of();
        default -> throw conflict(t, state, "record a failure");
      };
    };
  }

  public static TransferState evolve(TransferState state, TransferEvent event) {
    return switch (event) {
      case TransferRequested r -> new Requested(new Terms(r.transferId(), r.from(), r.to(), r.amount()));
      case SourceDebited d -> state instanceof NotRequested ? state : new Debited(terms(state));
      case TransferCompleted c -> state instanceof NotRequested ? state : new Completed(terms(state));
      case CreditRejected r -> state instanceof NotRequested ? state : new Compensating(terms(state), r.reason());
      case TransferFailed f -> state instanceof NotRequested ? state : new Failed(terms(state), f.reason(), f.refunded());
    };
  }

  public static TransferState fold(Iterable<TransferEvent> events) {
    TransferState s = initialState();
    for (TransferEvent e : events) {
      s = evolve(s, e);
    }
    return s;
  }

  /** The terms of a requested transfer. */
  public static Terms terms(TransferState state) {
    return switch (state) {
      case NotRequested n -> throw new IllegalArgumentException("the transfer is not requested");
      case Requested r -> r.terms();
      case Debited d -> d.terms();
      case Compensating c -> c.terms();
      case Completed c -> c.terms();
      case Failed f -> f.terms();
    };
  }

  private static RejectedException conflict(Terms t, TransferState state, String what) {
    return reject(new Rejection.TransferConflict(t.transferId(),
        "cannot " + what + " while " + state.getClass().getSimpleName()));
  }

  private static RejectedException reject(Rejection r) {
    return new RejectedException(r);
  }
}
