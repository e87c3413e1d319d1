package dev.annals.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Metadata;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.transfer.Terms;
import dev.annals.examples.bank.transfer.TransferProcess;
import dev.annals.examples.bank.transfer.TransferState;
import dev.annals.examples.bank.transfer.TransferStep;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransferProcessTest {

  private final InMemoryEventStore store = new InMemoryEventStore();
  private final Bank bank = new EventStoreBank(store);
  private final TransferProcess process = new TransferProcess(bank);
  private static final Terms T1 = new Terms("T1", "A1", "A2", 300_00);

  @BeforeEach
  void accounts() {
    open(bank, "A1", 1000_00);
    open(bank, "A2", 0);
  }

  static void open(Bank bank, String id, long deposit) {
    bank.account(id, new AccountCommand.Open(id, "owner of " + id), CommandContext.random());
    if (deposit > 0) {
      bank.account(id, new AccountCommand.Deposit(deposit), CommandContext.random());
    }
  }

  private static CommandContext customer() {
    return CommandContext.of(UUID.nameUUIDFromBytes("request-T1".getBytes())).withActor("customer:ada");
  }

  private List<String> types(String stream) {
    return StoreFacts.stream(store, stream).stream().map(RecordedEvent::type).toList();
  }

  @Test
  void a_transfer_debits_the_source_credits_the_target_and_completes() {
    TransferState end = process.start(T1, customer());

    assertThat(end).isEqualTo(new TransferState.Completed(T1));
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(700_00);
    assertThat(StoreFacts.rawBalance(store, "account-A2")).isEqualTo(300_00);
    assertThat(types("transfer-T1")).containsExactly("TransferRequested", "SourceDebited", "TransferCompleted");
  }

  @Test
  void every_event_of_a_transfer_carries_its_correlation_id_and_a_causation_chain() {
    process.start(T1, customer());
    List<RecordedEvent> trail = StoreFacts.all(store).stream()
        .filter(e -> StoreFacts.meta(e, Metadata.CORRELATION_ID).equals("T1")).toList();

    assertThat(trail).extracting(RecordedEvent::type)
        .containsExactly("TransferRequested", "Debited", "SourceDebited", "Credited", "TransferCompleted");
    assertThat(StoreFacts.meta(trail.get(0), Metadata.ACTOR)).isEqualTo("customer:ada");
    for (int i = 1; i < trail.size(); i++) {
      assertThat(StoreFacts.meta(trail.get(i), Metadata.CAUSATION_ID)).as("cause of " + trail.get(i).type())
          .isEqualTo(trail.get(i - 1).id().toString());
      assertThat(StoreFacts.meta(trail.get(i), Metadata.ACTOR)).isEqualTo(TransferProcess.ACTOR);
    }
  }

  @Test
  void a_transfer_beyond_the_source_balance_fails_and_moves_nothing() {
    Terms big = new Terms("T1", "A1", "A2", 1000_01);
    TransferState end = process.start(big, customer());

    assertThat(end).isEqualTo(new TransferState.Failed(big, "insufficient_funds", false));
    assertThat(StoreFacts.count(store, "account-A1", "Debited")).isZero();
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(1000_00);
    assertThat(types("transfer-T1")).containsExactly("TransferRequested", "TransferFailed");
    assertThat(StoreFacts.meta(StoreFacts.stream(store, "transfer-T1").get(1), Metadata.REASON))
        .isEqualTo("account A1 has 1000.00, cannot take 1000.01");
  }

  @Test
  void a_credit_refused_by_a_closed_target_is_compensated_by_refunding_the_source() {
    bank.account("A2", new AccountCommand.Close(), CommandContext.random());

    TransferState end = process.start(T1, customer());

    assertThat(end).isEqualTo(new TransferState.Failed(T1, "account_closed", true));
    assertThat(types("transfer-T1"))
        .containsExactly("TransferRequested", "SourceDebited", "CreditRejected", "TransferFailed");
    assertThat(types("account-A1")).containsSubsequence("Debited", "DebitReversed");
    assertThat(StoreFacts.count(store, "account-A2", "Credited")).isZero();
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(1000_00);
  }

  @Test
  void running_a_finished_transfer_again_writes_nothing() {
    process.start(T1, customer());
    long head = store.headPosition();

    assertThat(process.run("T1")).isEqualTo(new TransferState.Completed(T1));
    assertThat(process.start(T1, customer())).isEqualTo(new TransferState.Completed(T1));
    assertThat(process.step("T1")).isInstanceOf(TransferStep.Done.class);
    assertThat(store.headPosition()).isEqualTo(head);
  }

  static Stream<Arguments> crashPoints() {
    List<Arguments> points = new ArrayList<>();
    for (CrashingStore.When when : CrashingStore.When.values()) {
      points.add(Arguments.of("debit of the source", "account-A1", 1, when));
      points.add(Arguments.of("record of the debit", "transfer-T1", 1, when));
      points.add(Arguments.of("credit of the target", "account-A2", 1, when));
      points.add(Arguments.of("record of the completion", "transfer-T1", 2, when));
    }
    return points.stream();
  }

  @ParameterizedTest(name = "crash {3} the {0}")
  @MethodSource("crashPoints")
  void a_crash_between_steps_is_repaired_by_running_again_with_exactly_one_debit_and_one_credit(
      String step, String stream, int nth, CrashingStore.When when) {
    bank.transfer("T1", new dev.annals.examples.bank.transfer.TransferCommand.Request(T1), customer());
    CrashingStore crashing = new CrashingStore(store, stream::equals, nth, when);
    TransferProcess dying = new TransferProcess(new EventStoreBank(crashing));

    assertThatThrownBy(() -> dying.run("T1")).isInstanceOf(StoreUnavailableException.class);
    assertThat(crashing.crashed()).isTrue();

    assertThat(process.run("T1")).isEqualTo(new TransferState.Completed(T1));
    assertThat(StoreFacts.count(store, "account-A1", "Debited")).isEqualTo(1);
    assertThat(StoreFacts.count(store, "account-A2", "Credited")).isEqualTo(1);
    assertThat(StoreFacts.count(store, "transfer-T1", "TransferCompleted")).isEqualTo(1);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(700_00);
    assertThat(StoreFacts.rawBalance(store, "account-A2")).isEqualTo(300_00);
  }

  @ParameterizedTest(name = "crash {0} the refund")
  @org.junit.jupiter.params.provider.EnumSource(CrashingStore.When.class)
  void a_crash_during_compensation_is_repaired_with_exactly_one_refund(CrashingStore.When when) {
    bank.account("A2", new AccountCommand.Close(), CommandContext.random());
    bank.transfer("T1", new dev.annals.examples.bank.transfer.TransferCommand.Request(T1), customer());
    CrashingStore crashing = new CrashingStore(store, "account-A1"::equals, 2, when); // 1: debit, 2: refund
    TransferProcess dying = new TransferProcess(new EventStoreBank(crashing));

    assertThatThrownBy(() -> dying.run("T1")).isInstanceOf(StoreUnavailableException.class);

    assertThat(process.run("T1")).isEqualTo(new TransferState.Failed(T1, "account_closed", true));
    assertThat(StoreFacts.count(store, "account-A1", "Debited")).isEqualTo(1);
    assertThat(StoreFacts.count(store, "account-A1", "DebitReversed")).isEqualTo(1);
    assertThat(StoreFacts.rawBalance(store, "account-A1")).isEqualTo(1000_00);
  }

  @Test
  void two_runners_driving_the_same_transfer_at_once_move_the_money_once() throws Exception {
    bank.transfer("T1", new dev.annals.examples.bank.transfer.TransferCommand.Request(T1), customer());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<TransferState>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(pool.submit(() -> {
          go.await();
          return process.run("T1");
        }));
      }
      go.countDown();
      for (Future<TransferState> f : runs) {
        assertThat(f.get()).isEqualTo(new TransferState.Completed(T1));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(StoreFacts.count(store, "account-A1", "Debited")).isEqualTo(1);
    assertThat(StoreFacts.count(store, "account-A2", "Credited")).isEqualTo(1);
    assertThat(types("transfer-T1")).containsExactly("TransferRequested", "SourceDebited", "TransferCompleted");
  }
}
