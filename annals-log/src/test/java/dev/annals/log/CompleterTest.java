package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.WrongExpectedVersionException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How the callers of one group get their answers: each exactly once, and never a success for a failed group. */
class CompleterTest {

  private static Submission.Append answered(long position) {
    Submission.Append a = new Submission.Append("s-" + position, ExpectedVersion.ANY, List.of(), List.of(),
        new Submission.Prepared(null, new byte[0][]), new Completer.Ticket<>());
    a.answer(new AppendResult("s-" + position, 1, 1, position, position, Instant.EPOCH));
    return a;
  }

  private static Throwable failureOf(Completer.Ticket<AppendResult> t) {
    assertThat(t).isCompletedExceptionally();
    try {
      t.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void a_caller_woken_by_its_groups_failure_fails_the_others_it_helps_with_never_their_staged_answers() {
    Submission.Append first = answered(1);
    Submission.Append second = answered(2);
    Submission.Append third = answered(3);
    Completer.Group group = new Completer.Group(new Submission<?>[] {first, second, third});
    first.ticket.whenComplete((r, e) -> first.ticket.helpGroup()); // the woken caller helps at once
    StoreUnavailableException full = new StoreUnavailableException("the disk is full");
    group.failUnlessRefused(full);
    for (Submission.Append s : List.of(first, second, third)) {
      assertThat(failureOf(s.ticket)).isSameAs(full);
    }
  }

  @Test
  void a_callers_own_refusal_stays_its_answer_when_its_group_fails() {
    Submission.Append refused = answered(1);
    WrongExpectedVersionException wrong = new WrongExpectedVersionException("s-1", ExpectedVersion.exactly(3), 1);
    refused.refuse(wrong);
    Submission.Append other = answered(2);
    new Completer.Group(new Submission<?>[] {refused, other}).failUnlessRefused(new StoreUnavailableException("fsync"));
    assertThat(failureOf(refused.ticket)).isSameAs(wrong);
    assertThat(failureOf(other.ticket)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void each_submission_of_a_published_group_is_completed_once_whoever_claims_it() {
    Submission.Append first = answered(1);
    Submission.Append second = answered(2);
    Submission.Append third = answered(3);
    Completer.Group group = new Completer.Group(new Submission<?>[] {first, second, third});
    group.completeSome(1);
    assertThat(first.ticket.join().firstPosition()).isEqualTo(1);
    assertThat(second.ticket).isNotDone();
    first.ticket.helpGroup(); // the woken caller takes over the rest (HELP = 2)
    assertThat(second.ticket.join().firstPosition()).isEqualTo(2);
    assertThat(third.ticket.join().firstPosition()).isEqualTo(3);
    group.completeSome(Integer.MAX_VALUE); // the completer finds nothing left
    assertThat(third.ticket.join().firstPosition()).isEqualTo(3);
  }
}
