package dev.annals.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.CommandContext;
import dev.annals.cqrs.CommandHandler;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.transfer.Terms;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.examples.bank.transfer.TransferProcess;
import dev.annals.examples.bank.transfer.TransferState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Real threads, one in-memory store, optimistic concurrency on the account streams. */
class ConcurrentTransfersTest {

  private static final int ACCOUNTS = 4;
  private static final int THREADS = 4;
  private static final int TRANSFERS_PER_THREAD = 40;
  private static final long START = 1000_00;

  @Test
  void concurrent_transfers_on_the_same_accounts_never_overdraw_and_conserve_money() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore();
    CommandHandler.Options patient = new CommandHandler.Options(1000, Duration.ofMillis(2), 512);
    Bank bank = new EventStoreBank(store,
        new CommandHandler<>(store, AccountDecider.decider(), BankCodecs.accounts(), Optional.empty(), patient, Clock.systemUTC()),
        new CommandHandler<>(store, TransferDecider.decider(), BankCodecs.transfers(), Optional.empty(), patient, Clock.systemUTC()),
        new CommandHandler<>(store, OrderDecider.decider(), BankCodecs.orders(), Optional.empty(), patient, Clock.systemUTC()));
    for (int i = 0; i < ACCOUNTS; i++) {
      TransferProcessTest.open(bank, "A" + i, START);
    }
    TransferProcess process = new TransferProcess(bank);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<TransferState>>> results = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(thread);
          go.await();
          List<TransferState> ends = new ArrayList<>();
          for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
            int from = rnd.nextInt(ACCOUNTS);
            int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            long amount = rnd.nextLong(1_00, 600_00);
            ends.add(process.start(new Terms("T" + thread + "-" + i, "A" + from, "A" + to, amount),
                CommandContext.random()));
          }
          return ends;
        }));
      }
      go.countDown();
      List<TransferState> ends = new ArrayList<>();
      for (Future<List<TransferState>> f : results) {
        ends.addAll(f.get());
      }
      assertThat(ends).allMatch(s -> s instanceof TransferState.Completed || s instanceof TransferState.Failed);
      assertThat(ends).anyMatch(s -> s instanceof TransferState.Completed);
      assertThat(ends).anyMatch(s -> s instanceof TransferState.Failed); // some were refused for lack of funds
    } finally {
      pool.shutdownNow();
    }

    long total = 0;
    for (int i = 0; i < ACCOUNTS; i++) {
      long running = 0;
      for (RecordedEvent e : StoreFacts.stream(store, "account-A" + i)) {
        JsonNode d = e.data().toNode();
        switch (e.type()) {
          case "Deposited", "Credited", "DebitReversed" -> running += d.get("amount").asLong();
          case "Debited", "Withdrawn" -> running -= d.get("amount").asLong();
          default -> { }
        }
        assertThat(running).as("balance of A" + i + " after version " + e.version()).isNotNegative();
      }
      total += running;
    }
    assertThat(total).isEqualTo(ACCOUNTS * START);

    java.util.Map<String, Long> legs = new java.util.HashMap<>();
    for (RecordedEvent e : StoreFacts.all(store)) {
      if (e.type().equals("Debited") || e.type().equals("Credited")) {
        legs.merge(e.type() + " " + e.data().toNode().get("reference").asText(), 1L, Long::sum);
      }
    }
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
        String ref = "transfer-T" + t + "-" + i;
        long debits = legs.getOrDefault("Debited " + ref, 0L);
        long credits = legs.getOrDefault("Credited " + ref, 0L);
        List<String> types = StoreFacts.stream(store, ref).stream().map(RecordedEvent::type).toList();
        if (types.contains("TransferCompleted")) {
          assertThat(debits).as(ref).isEqualTo(1);
          assertThat(credits).as(ref).isEqualTo(1);
        } else {
          assertThat(types).as(ref).containsExactly("TransferRequested", "TransferFailed");
          assertThat(debits + credits).as(ref).isZero();
        }
      }
    }
  }
}
