package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.EventStore;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountCommand;
import dev.annals.cqrs.account.AccountCommand.Deposit;
import dev.annals.cqrs.account.AccountCommand.Open;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountState;
import dev.annals.cqrs.codec.StateCodec;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Snapshots on a store: when they are taken, when they are used, and that they change no answer. Run per engine through {@link CqrsContract}. */
public abstract class SnapshotContract implements StoreFixture {

  static final String STREAM = "account-1";
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  final EventStore store = newStore(clock);

  @AfterEach
  void close() {
    store.close();
  }

  CommandHandler<AccountCommand, AccountState, AccountEvent> handler(StateCodec<AccountState> codec, SnapshotPolicy policy) {
    return new CommandHandler<>(store, Account.DECIDER, Account.codec(),
        Optional.of(new SnapshotStore<>(store, codec, policy)), CommandHandler.Options.defaults(), clock);
  }

  List<RecordedEvent> snapshots() {
    return store.readStream(SnapshotStore.streamFor(STREAM), 1, Direction.FORWARD, 1000).events();
  }

  void openAndDeposit(CommandHandler<AccountCommand, AccountState, AccountEvent> h, int deposits) {
    h.handle(STREAM, new Open("ada"), CommandContext.random());
    for (int i = 0; i < deposits; i++) {
      clock.advance(Duration.ofSeconds(1));
      h.handle(STREAM, new Deposit(1), CommandContext.random());
    }
  }

  @Test
  void every_n_events_policy_writes_a_snapshot_to_the_system_stream_with_its_facts() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(3));
    openAndDeposit(h, 6); // versions 1..7: snapshots after 3 and 6

    List<RecordedEvent> snaps = snapshots();
    assertThat(snaps).hasSize(2);
    JsonNode m = snaps.get(1).metadata().toNode();
    assertThat(m.get("snapshotOf").asText()).isEqualTo(STREAM);
    assertThat(m.get("state").asText()).isEqualTo("account");
    assertThat(m.get("stateSchema").asInt()).isEqualTo(1);
    assertThat(m.get("version").asLong()).isEqualTo(6);
    RecordedEvent sixth = store.readStream(STREAM, 6, Direction.FORWARD, 1).events().get(0);
    assertThat(Instant.parse(m.get("lastRecordedAt").asText())).isEqualTo(sixth.recordedAt());
    assertThat(SnapshotStore.streamFor(STREAM)).isEqualTo("$snapshot-account-1");
  }

  @Test
  void loading_starts_from_the_latest_snapshot_and_gives_the_same_state_as_a_full_replay() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(3));
    openAndDeposit(h, 7);
    LoadedState<AccountState> loaded = h.load(STREAM);
    assertThat(loaded.snapshot().orElseThrow().version()).isEqualTo(6);
    assertThat(loaded.eventsAfterSnapshot()).isEqualTo(2);
    assertThat(loaded.version()).isEqualTo(8);
    var replay = new CommandHandler<>(store, Account.DECIDER, Account.codec()).load(STREAM);
    assertThat(loaded.state()).isEqualTo(replay.state());
  }

  @Test
  void snapshots_stay_out_of_the_global_log_by_default() {
    openAndDeposit(handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(1)), 3);
    assertThat(store.readAll(1, Direction.FORWARD, 100, Filter.all()).events())
        .extracting(RecordedEvent::stream).containsOnly(STREAM);
    assertThat(store.readAll(1, Direction.FORWARD, 100, Filter.everything()).events())
        .extracting(RecordedEvent::stream).contains("$snapshot-account-1");
  }

  @Test
  void a_snapshot_of_an_older_state_schema_is_ignored_and_replaced() {
    openAndDeposit(handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(2)), 4); // snapshots at 2, 4
    var v2 = handler(Account.stateCodec(2), SnapshotPolicy.everyEvents(1_000));

    LoadedState<AccountState> first = v2.load(STREAM);
    assertThat(first.snapshot()).isEmpty();
    assertThat(first.eventsAfterSnapshot()).isEqualTo(5);
    assertThat(snapshots()).hasSize(3);
    assertThat(snapshots().get(2).metadata().toNode().get("stateSchema").asInt()).isEqualTo(2);

    LoadedState<AccountState> second = v2.load(STREAM);
    assertThat(second.snapshot().orElseThrow().version()).isEqualTo(5);
    assertThat(second.state()).isEqualTo(first.state());
    assertThat(snapshots()).hasSize(3);
  }

  @Test
  void an_unreadable_snapshot_is_ignored_and_replaced() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(1_000));
    openAndDeposit(h, 2);
    store.append(SnapshotStore.streamFor(STREAM), ExpectedVersion.ANY, new EventData(UUID.randomUUID(),
        SnapshotStore.TYPE, Json.of("{\"case\":\"active\",\"value\":{\"owner\":\"mallory\",\"credits\":\"lots\"}}"),
        Json.of("{\"snapshotOf\":\"account-1\",\"state\":\"account\",\"stateSchema\":1,\"version\":3,"
            + "\"lastRecordedAt\":\"2026-03-01T09:00:02Z\"}"), Optional.empty()));

    LoadedState<AccountState> loaded = h.load(STREAM);
    assertThat(loaded.snapshot()).isEmpty();
    assertThat(((AccountState.Active) loaded.state()).owner()).isEqualTo("ada");
    assertThat(h.load(STREAM).snapshot().orElseThrow().version()).isEqualTo(3);
  }

  @Test
  void a_snapshot_with_a_broken_header_or_of_another_stream_is_never_used() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(1_000));
    openAndDeposit(h, 2);
    Json fake = Account.stateCodec(1).encode(new AccountState.Active("mallory", 1_000_000, java.util.Map.of()));
    store.append(SnapshotStore.streamFor(STREAM), ExpectedVersion.ANY,
        new EventData(UUID.randomUUID(), SnapshotStore.TYPE, fake, Json.of("{\"snapshotOf\":\"account-2\","
            + "\"state\":\"account\",\"stateSchema\":1,\"version\":3,\"lastRecordedAt\":\"2026-03-01T09:00:02Z\"}"),
            Optional.empty()),
        new EventData(UUID.randomUUID(), SnapshotStore.TYPE, fake, Json.of("{\"state\":\"account\"}"), Optional.empty()));
    assertThat(((AccountState.Active) h.load(STREAM).state()).owner()).isEqualTo("ada");
  }

  @Test
  void a_snapshot_ahead_of_the_stream_is_not_trusted() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(1_000));
    openAndDeposit(h, 1);
    new SnapshotStore<>(store, Account.stateCodec(1), SnapshotPolicy.never())
        .save(STREAM, new AccountState.Active("mallory", 99, java.util.Map.of()), 50, clock.instant());
    LoadedState<AccountState> loaded = h.load(STREAM);
    assertThat(loaded.version()).isEqualTo(2);
    assertThat(((AccountState.Active) loaded.state()).owner()).isEqualTo("ada");
  }

  @Test
  void snapshots_of_another_fold_in_the_same_stream_are_left_alone() {
    openAndDeposit(handler(Account.stateCodec(1), SnapshotPolicy.everyEvents(2)), 2);
    StateCodec<AccountState> other = new StateCodec<>() {
      @Override public String name() { return "audit"; }
      @Override public int schema() { return 1; }
      @Override public Json encode(AccountState s) { return Json.of("{}"); }
      @Override public AccountState decode(Json j) { return new AccountState.Unopened(); }
    };
    int before = snapshots().size();
    var h = handler(other, SnapshotPolicy.never());
    assertThat(h.load(STREAM).snapshot()).isEmpty();
    assertThat(snapshots()).hasSize(before); // nothing of ours was stale, so nothing replaced
  }

  @Test
  void age_policy_snapshots_when_the_last_snapshot_is_older_than_the_age() {
    var h = handler(Account.stateCodec(1), SnapshotPolicy.olderThan(Duration.ofMinutes(10)));
    h.handle(STREAM, new Open("ada"), CommandContext.random());
    assertThat(snapshots()).hasSize(1); // none yet: take one
    clock.advance(Duration.ofMinutes(5));
    h.handle(STREAM, new Deposit(1), CommandContext.random());
    assertThat(snapshots()).hasSize(1);
    clock.advance(Duration.ofMinutes(6));
    h.handle(STREAM, new Deposit(1), CommandContext.random());
    assertThat(snapshots()).hasSize(2);
  }

  @Test
  void a_snapshot_that_cannot_be_written_does_not_fail_the_command() {
    StateCodec<AccountState> failing = new StateCodec<>() {
      @Override public String name() { return "account"; }
      @Override public int schema() { return 1; }
      @Override public Json encode(AccountState s) { throw new IllegalArgumentException("cannot encode"); }
      @Override public AccountState decode(Json j) { throw new IllegalArgumentException("cannot decode"); }
    };
    var h = handler(failing, SnapshotPolicy.everyEvents(1));
    var r = h.handle(STREAM, new Open("ada"), CommandContext.random());
    assertThat(r.streamVersion()).isEqualTo(1);
    assertThat(snapshots()).isEmpty();
  }

  @Test
  void policies_decide_from_events_since_the_snapshot_and_its_age() {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    assertThat(SnapshotPolicy.never().shouldSnapshot(1_000_000, now)).isFalse();
    assertThat(SnapshotPolicy.everyEvents(100).shouldSnapshot(99, now)).isFalse();
    assertThat(SnapshotPolicy.everyEvents(100).shouldSnapshot(100, now)).isTrue();
    SnapshotPolicy age = SnapshotPolicy.olderThan(Duration.ofMinutes(1));
    assertThat(age.shouldSnapshot(1, now.minusSeconds(59), now)).isFalse();
    assertThat(age.shouldSnapshot(1, now.minusSeconds(60), now)).isTrue();
    assertThat(age.shouldSnapshot(0, now.minusSeconds(600), now)).isFalse();
    assertThat(age.shouldSnapshot(1, now)).isTrue();
  }

  @Test
  void a_very_long_stream_name_gets_a_hashed_snapshot_stream() {
    String longName = "account-" + "x".repeat(245);
    String snapshotStream = SnapshotStore.streamFor(longName);
    assertThat(snapshotStream).startsWith("$snapshot-#").hasSize("$snapshot-#".length() + 64);
    var h = new CommandHandler<>(store, Account.DECIDER, Account.codec(),
        Optional.of(new SnapshotStore<>(store, Account.stateCodec(1), SnapshotPolicy.everyEvents(1))),
        CommandHandler.Options.defaults(), clock);
    h.handle(longName, new Open("ada"), CommandContext.random());
    assertThat(store.streamVersion(snapshotStream)).isEqualTo(1);
    assertThat(h.load(longName).snapshot()).isPresent();
  }
}
