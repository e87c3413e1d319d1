package dev.annals.examples.bank.seed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.CommandContext;
import dev.annals.examples.bank.Bank;
import dev.annals.examples.bank.EventStoreBank;
import dev.annals.examples.bank.account.AccountCommand;
import dev.annals.examples.bank.order.OrderCommand;
import dev.annals.examples.bank.order.OrderPayments;
import dev.annals.examples.bank.transfer.Terms;
import dev.annals.examples.bank.transfer.TransferProcess;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SimulatedBankTest {

  private static CommandContext ctx(String name) {
    return CommandContext.of(UUID.nameUUIDFromBytes(name.getBytes())).withActor("customer:ada").withReason(name);
  }

  private static final Consumer<Bank> SCRIPT = bank -> {
    bank.account("A1", new AccountCommand.Open("A1", "Ada"), ctx("open A1"));
    bank.account("A2", new AccountCommand.Open("A2", "Ben"), ctx("open A2"));
    bank.account("A1", new AccountCommand.Deposit(500_00, Optional.of(Instant.parse("2026-01-01T00:00:00Z"))),
        ctx("deposit"));
    UUID fee = UUID.nameUUIDFromBytes("fee".getBytes());
    bank.account("A1", new AccountCommand.ChargeFee(fee, "overdraft", 35_00, Optional.empty()), ctx("fee"));
    bank.account("A1", new AccountCommand.ReverseFee(fee,
        dev.annals.examples.bank.ProcessIds.firstEvent("account-A1", ctx("fee").commandId()),
        Instant.parse("2026-01-02T00:00:00Z")), ctx("correction"));
    new TransferProcess(bank).start(new Terms("T1", "A1", "A2", 100_00), ctx("transfer"));
    bank.order("O1", new OrderCommand.Place("O1", "A2", "kettle", 40_00), ctx("order"));
    new OrderPayments(bank).pay("O1");
  };

  @Test
  void the_simulated_bank_writes_exactly_what_the_command_handlers_write() {
    InMemoryEventStore store = new InMemoryEventStore();
    SCRIPT.accept(new EventStoreBank(store));
    List<RecordedEvent> live = store.readAll(1, Direction.FORWARD, 1000, Filter.all()).events();

    SimulatedBank simulated = new SimulatedBank(() -> Instant.parse("2026-01-05T00:00:00Z"));
    SCRIPT.accept(simulated);

    assertThat(simulated.written()).hasSameSizeAs(live).hasSizeGreaterThan(10);
    for (int i = 0; i < live.size(); i++) {
      RecordedEvent l = live.get(i);
      var s = simulated.written().get(i);
      assertThat(s.stream()).isEqualTo(l.stream());
      assertThat(s.event().id()).isEqualTo(l.id());
      assertThat(s.event().type()).isEqualTo(l.type());
      assertThat(s.event().data()).isEqualTo(l.data());
      assertThat(s.event().metadata()).as(l.type()).isEqualTo(l.metadata());
      assertThat(s.event().effectiveAt().orElse(l.recordedAt())).isEqualTo(l.effectiveAt());
    }
  }

  @Test
  void a_repeated_command_writes_nothing_in_the_simulation_either() {
    SimulatedBank simulated = new SimulatedBank(() -> Instant.parse("2026-01-05T00:00:00Z"));
    simulated.account("A1", new AccountCommand.Open("A1", "Ada"), ctx("open"));
    simulated.account("A1", new AccountCommand.Deposit(5), ctx("deposit"));
    simulated.account("A1", new AccountCommand.Deposit(5), ctx("deposit"));

    assertThat(simulated.written()).hasSize(2);
    assertThat(simulated.loadAccount("A1").state().balance()).isEqualTo(5);
  }
}
