package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.EventStore;
import dev.annals.core.Json;
import dev.annals.core.Subscription;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountCommand;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountEvent.Deposited;
import dev.annals.cqrs.account.AccountEvent.FeeCharged;
import dev.annals.cqrs.account.AccountState;
import dev.annals.cqrs.account.AccountState.Active;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events written in old shapes (Deposited schema 1 {@code {"cents"}}, and the renamed FeeTaken) read
 * as the current records on every read path: command handling, the three temporal queries, and
 * subscriptions/projections through {@link dev.annals.cqrs.codec.EventCodec#decode}.
 */
public abstract class UpcastingContract implements StoreFixture {

  static final String STREAM = "account-9";
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  final EventStore store = newStore(clock);
  final JacksonEventCodec<AccountEvent> codec = Account.codec();
  static final Active EXPECTED = new Active("ada", 130, Map.of("f1", 4L));

  @BeforeEach
  void writeOldShapes() {
    // Written by an older version of the code, straight through the store (no codec, no schema key).
    store.append(STREAM, ExpectedVersion.NO_STREAM,
        EventData.of("AccountOpened", "{\"owner\":\"ada\"}"),
        EventData.of("Deposited", "{\"cents\":100}"),
        new EventData(UUID.randomUUID(), "Deposited", Json.of("{\"cents\":30}"), Json.of("{\"schema\":1}"), Optional.empty()),
        EventData.of("FeeTaken", "{\"fee\":\"f1\",\"amount\":4}"));
    clock.advance(Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void the_command_side_folds_old_shapes_as_new_ones() {
    var handler = new CommandHandler<>(store, Account.DECIDER, codec);
    assertThat(handler.load(STREAM).state()).isEqualTo(EXPECTED);
    var r = handler.handle(STREAM, new AccountCommand.Withdraw(126), CommandContext.random());
    assertThat(((Active) r.state()).balance()).isZero();
  }

  @Test
  void a_repeated_command_returns_its_events_upcast() {
    var handler = new CommandHandler<>(store, Account.DECIDER, codec);
    CommandContext ctx = CommandContext.random();
    handler.handle(STREAM, new AccountCommand.Deposit(1), ctx);
    assertThat(handler.handle(STREAM, new AccountCommand.Deposit(1), ctx).events()).containsExactly(new Deposited(1));
  }

  @Test
  void the_temporal_queries_fold_old_shapes_as_new_ones() {
    var queries = new StateQueries<>(store, codec, Account.DECIDER.fold());
    Instant now = clock.instant();
    assertThat(queries.stateAt(STREAM, 4)).isEqualTo(EXPECTED);
    assertThat(queries.stateKnownAt(STREAM, now)).isEqualTo(EXPECTED);
    assertThat(queries.stateValidAt(STREAM, now, now)).isEqualTo(EXPECTED);
    assertThat(queries.stateValidAt(STREAM, now)).isEqualTo(EXPECTED);
  }

  @Test
  void snapshots_taken_over_old_shapes_hold_the_new_state() {
    var snapshots = new SnapshotStore<>(store, Account.stateCodec(1), SnapshotPolicy.everyEvents(1));
    var handler = new CommandHandler<>(store, Account.DECIDER, codec, Optional.of(snapshots),
        CommandHandler.Options.defaults(), clock);
    handler.handle(STREAM, new AccountCommand.Deposit(1), CommandContext.random());
    var queries = new StateQueries<>(store, codec, Account.DECIDER.fold(), snapshots);
    assertThat(queries.stateAt(STREAM, 5)).isEqualTo(new Active("ada", 131, Map.of("f1", 4L)));
    assertThat(handler.load(STREAM).snapshot().orElseThrow().state()).isEqualTo(new Active("ada", 131, Map.of("f1", 4L)));
  }

  @Test
  void subscribers_and_projections_decoding_through_the_codec_see_new_shapes() throws Exception {
    List<AccountEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch four = new CountDownLatch(4);
    try (Subscription s = store.subscribeToStream(STREAM, 1, codec.handler((recorded, event) -> {
      seen.add(event);
      four.countDown();
    }))) {
      assertThat(four.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(seen).containsExactly(new AccountEvent.AccountOpened("ada"), new Deposited(100), new Deposited(30),
        new FeeCharged("f1", 4));
  }

  @Test
  void new_events_are_written_in_the_current_shape_with_their_schema() {
    var handler = new CommandHandler<>(store, Account.DECIDER, codec);
    handler.handle(STREAM, new AccountCommand.Deposit(7), CommandContext.random());
    var last = store.readStream(STREAM, 5, dev.annals.core.Direction.FORWARD, 1).events().get(0);
    assertThat(last.data().toString()).isEqualTo("{\"amount\":7}");
    assertThat(last.metadata().toNode().get("schema").asInt()).isEqualTo(2);
  }

}
