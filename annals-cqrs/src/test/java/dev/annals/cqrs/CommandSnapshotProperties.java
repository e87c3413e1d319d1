package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventStore;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountCommand;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountState;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The command side gives the same outcome for every command with and without snapshots (any policy,
 * and after the state schema changes mid-way, which makes every snapshot stale), and a repeated
 * command id never writes.
 */
public abstract class CommandSnapshotProperties implements StoreFixture {

  static final String STREAM = "account-1";

  /** kind picks the command; amount and feeIndex parameterise it; repeat re-sends an earlier command id. */
  record Cmd(int kind, int amount, int feeIndex, boolean repeat) {}

  @Provide
  Arbitrary<List<Cmd>> commands() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(0, 6), Arbitraries.integers().between(1, 60),
            Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 5).map(x -> x == 0))
        .as(Cmd::new).list().ofMinSize(1).ofMaxSize(40);
  }

  AccountCommand command(Cmd c, Instant now) {
    String fee = "f" + c.feeIndex();
    return switch (c.kind()) {
      case 0 -> new AccountCommand.Open("ada");
      case 1 -> new AccountCommand.Deposit(c.amount());
      case 2 -> new AccountCommand.Withdraw(c.amount());
      case 3 -> new AccountCommand.ChargeFee(fee, c.amount());
      case 4 -> new AccountCommand.CorrectFee(fee, c.amount(), now.minusSeconds(3600), UUID.randomUUID());
      case 5 -> new AccountCommand.WaiveFee(fee, now.minusSeconds(60), UUID.randomUUID());
      default -> new AccountCommand.BackdatedDeposit(c.amount(), now.minusSeconds(7200));
    };
  }

  record Outcome(Optional<String> rejection, List<AccountEvent> events, AccountState state, boolean repeated) {}

  static Outcome run(CommandHandler<AccountCommand, AccountState, AccountEvent> h, AccountCommand c, CommandContext ctx) {
    try {
      var r = h.handle(STREAM, c, ctx);
      return new Outcome(Optional.empty(), r.events(), r.state(), r.repeated());
    } catch (CommandRejectedException e) {
      return new Outcome(Optional.of(e.reason()), List.of(), new AccountState.Unopened(), false);
    }
  }

  @Property(tries = 40)
  void snapshots_never_change_a_command_outcome(@ForAll("commands") List<Cmd> cmds,
      @ForAll @IntRange(min = 1, max = 6) int every, @ForAll @IntRange(min = 0, max = 40) int schemaChangeAt) {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    try (EventStore plainStore = newStore(clock); EventStore snapStore = newStore(clock)) {
      var plain = new CommandHandler<>(plainStore, Account.DECIDER, Account.codec());
      var codec = Account.codec();
      java.util.function.IntFunction<CommandHandler<AccountCommand, AccountState, AccountEvent>> withSchema =
          schema -> new CommandHandler<>(snapStore, Account.DECIDER, codec,
              Optional.of(new SnapshotStore<>(snapStore, Account.stateCodec(schema), SnapshotPolicy.everyEvents(every))),
              CommandHandler.Options.defaults(), clock);
      var snapped = withSchema.apply(1);
      List<CommandContext> sent = new java.util.ArrayList<>();
      for (int i = 0; i < cmds.size(); i++) {
        if (i == schemaChangeAt) {
          snapped = withSchema.apply(2);
        }
        clock.advance(Duration.ofSeconds(1));
        Cmd c = cmds.get(i);
        CommandContext ctx = c.repeat() && !sent.isEmpty() ? sent.get(c.amount() % sent.size()) : CommandContext.random();
        sent.add(ctx);
        AccountCommand command = command(c, clock.instant());
        long before = plainStore.streamVersion(STREAM);
        Outcome a = run(plain, command, ctx);
        Outcome b = run(snapped, command, ctx);
        assertThat(b).as("command %d: %s", i, command).isEqualTo(a);
        if (a.repeated()) {
          assertThat(plainStore.streamVersion(STREAM)).isEqualTo(before);
        }
        assertThat(snapStore.streamVersion(STREAM)).isEqualTo(plainStore.streamVersion(STREAM));
      }
      assertThat(snapped.load(STREAM).state()).isEqualTo(plain.load(STREAM).state());
    }
  }
}
