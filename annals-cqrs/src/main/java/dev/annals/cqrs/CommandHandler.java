package dev.annals.cqrs;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.snapshot.Snapshot;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands against one decider (docs/time.md): load the stream's state (latest usable snapshot plus
 * the events after it, read in pages), decide, append with the loaded version as the exact expected
 * version, and on a version conflict reload and decide again, up to {@link Options#maxAttempts()}.
 *
 * <p>Every written event carries the {@link CommandContext} in its metadata ({@code commandId},
 * {@code correlationId}, {@code causationId}, {@code actor}, {@code reason}) plus its schema version
 * and, for corrections, {@code revokes}. Event ids are {@link CommandIds#eventId derived} from the
 * command id, so a repeated command id on the same stream writes nothing and returns the first
 * outcome. The earlier run is recognised (1) among the events loaded after the snapshot, always,
 * (2) by the store's idempotency rule when the new decision writes events (within the store's
 * idempotency window for ids, docs/http-api.md), and (3) by scanning the history a snapshot hid when the
 * decision is empty or rejected. A repeat whose earlier events lie before a snapshot and beyond the
 * store's idempotency window, and whose new decision is non-empty, is not recognised.
 *
 * <p>After a write, a snapshot is taken when the policy says so, or when the newest snapshot was
 * unusable (it is replaced). A failed snapshot write is logged and does not fail the command.
 *
 * <p>Thread-safe: any number of threads may handle commands, on the same stream too; the store's
 * expected-version check serialises them.
 */
public final class CommandHandler<C, S, E> {

  private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

  /**
   * @param maxAttempts how many times a command is decided before a version conflict is given up
   *     (the last {@link WrongExpectedVersionException} is thrown)
   * @param maxBackoff each retry first sleeps a random time up to this (0: retry at once)
   * @param pageSize events per read while loading
   */
  public record Options(int maxAttempts, Duration maxBackoff, int pageSize) {
    public Options {
      if (maxAttempts < 1 || pageSize < 1 || maxBackoff.isNegative()) {
        throw new IllegalArgumentException("maxAttempts and pageSize must be >= 1, maxBackoff >= 0");
      }
    }

    /** 10 attempts, up to 2 ms of jitter before each retry, pages of 512 events. */
    public static Options defaults() {
      return new Options(10, Duration.ofMillis(2), 512);
    }

    public Options withMaxAttempts(int n) {
      return new Options(n, maxBackoff, pageSize);
    }
  }

  private final EventStore store;
  private final Decider<C, S, E> decider;
  private final EventCodec<E> codec;
  private final Optional<SnapshotStore<S>> snapshots;
  private final Options options;
  private final Clock clock;
  private final StreamFolder<S, E> folder;

  public CommandHandler(EventStore store, Decider<C, S, E> decider, EventCodec<E> codec) {
    this(store, decider, codec, Optional.empty(), Options.defaults(), Clock.systemUTC());
  }

  /** @param clock used by the snapshot policy (snapshot age) only */
  public CommandHandler(EventStore store, Decider<C, S, E> decider, EventCodec<E> codec,
      Optional<SnapshotStore<S>> snapshots, Options options, Clock clock) {
    this.store = store;
    this.decider = decider;
    this.codec = codec;
    this.snapshots = snapshots;
    this.options = options;
    this.clock = clock;
    this.folder = new StreamFolder<>(store, codec, decider.fold(), options.pageSize());
  }

  private record Load<S>(LoadedState<S> loaded, long watchedVersion, boolean replaceSnapshot,
      Optional<Instant> lastRecordedAt) {}

  /** The stream's current state: latest usable snapshot + the events after it. Replaces an unusable snapshot. */
  public LoadedState<S> load(String stream) {
    Load<S> load = load(stream, Optional.empty());
    replaceIfNeeded(load);
    return load.loaded();
  }

  private Load<S> load(String stream, Optional<UUID> watch) {
    Optional<Snapshot<S>> snapshot = Optional.empty();
    boolean replace = false;
    if (snapshots.isPresent()) {
      SnapshotStore.Latest<S> latest = snapshots.get().latest(stream, store.streamVersion(stream));
      snapshot = latest.snapshot();
      replace = latest.replace();
    }
    S start = snapshot.map(Snapshot::state).orElse(decider.initialState());
    long after = snapshot.map(Snapshot::version).orElse(0L);
    StreamFolder.Folded<S> f = folder.forward(stream, start, after, snapshot.map(Snapshot::lastRecordedAt),
        Long.MAX_VALUE, Long.MAX_VALUE, watch);
    LoadedState<S> loaded = new LoadedState<>(stream, f.state(), f.version(), snapshot, f.folded());
    return new Load<>(loaded, f.watchedVersion(), replace && f.version() > 0, f.lastRecordedAt());
  }

  /**
   * Handles {@code command} on {@code stream}.
   *
   * @throws CommandRejectedException the decider refused the command
   * @throws WrongExpectedVersionException still conflicting after {@link Options#maxAttempts()}
   * @throws IdempotencyConflictException the derived ids collide with other writes (not a plain repeat)
   * @throws dev.annals.cqrs.codec.EventCodecException a stored event cannot be decoded
   */
  public CommandResult<S, E> handle(String stream, C command, CommandContext context) {
    UUID firstId = CommandIds.eventId(stream, context.commandId(), 0);
    for (int attempt = 1; ; attempt++) {
      Load<S> load = load(stream, Optional.of(firstId));
      replaceIfNeeded(load);
      LoadedState<S> loaded = load.loaded();
      if (load.watchedVersion() > 0) {
        return repeat(stream, context.commandId(), load.watchedVersion(), loaded, attempt);
      }
      long hidden = loaded.snapshot().map(Snapshot::version).orElse(0L);
      List<Emitted<E>> emitted;
      try {
        emitted = decider.decide(command, loaded.state());
      } catch (CommandRejectedException rejected) {
        OptionalLong earlier = findBackward(stream, firstId, hidden);
        if (earlier.isPresent()) {
          return repeat(stream, context.commandId(), earlier.getAsLong(), loaded, attempt);
        }
        throw rejected;
      }
      if (emitted.isEmpty()) {
        OptionalLong earlier = findBackward(stream, firstId, hidden);
        if (earlier.isPresent()) {
          return repeat(stream, context.commandId(), earlier.getAsLong(), loaded, attempt);
        }
        return new CommandResult<>(stream, List.of(), Optional.empty(), loaded.state(), loaded.version(), false, attempt);
      }
      List<EventData> events = toEventData(stream, emitted, context);
      AppendResult result;
      try {
        result = store.append(stream, ExpectedVersion.exactly(loaded.version()), events);
      } catch (WrongExpectedVersionException conflict) {
        if (attempt >= options.maxAttempts()) {
          throw conflict;
        }
        backoff();
        continue;
      } catch (IdempotencyConflictException conflict) {
        OptionalLong earlier = findBackward(stream, firstId, store.streamVersion(stream));
        if (earlier.isPresent()) {
          return repeat(stream, context.commandId(), earlier.getAsLong(), load(stream, Optional.empty()).loaded(),
              attempt);
        }
        throw conflict;
      }
      if (result.firstVersion() != loaded.version() + 1) {
        // The store recognised the ids: another run of this command wrote them, before the load (hidden
        // by a snapshot) or after it (a retry that overtook this run). The loaded state may lack events
        // that precede them, so nothing is evolved or snapshotted from it: answer from a fresh load.
        return repeat(stream, context.commandId(), result.firstVersion(), load(stream, Optional.empty()).loaded(),
            attempt);
      }
      S state = loaded.state();
      List<E> written = new ArrayList<>(emitted.size());
      for (Emitted<E> e : emitted) {
        state = decider.evolve(state, e.event());
        written.add(e.event());
      }
      maybeSnapshot(stream, state, result, loaded);
      return new CommandResult<>(stream, written, Optional.of(result), state, result.lastVersion(), false, attempt);
    }
  }

  private List<EventData> toEventData(String stream, List<Emitted<E>> emitted, CommandContext context) {
    return EventEnvelopes.toEventData(stream, emitted, context, codec);
  }

  /** The first outcome of a command whose first event is at {@code version}. */
  private CommandResult<S, E> repeat(String stream, UUID commandId, long version, LoadedState<S> loaded, int attempt) {
    List<RecordedEvent> batch = new ArrayList<>();
    long from = version;
    read:
    while (true) {
      Page page = store.readStream(stream, from, Direction.FORWARD, options.pageSize());
      for (RecordedEvent e : page.events()) {
        if (!e.id().equals(CommandIds.eventId(stream, commandId, batch.size()))) {
          break read;
        }
        batch.add(e);
      }
      if (page.end() || page.isEmpty()) {
        break;
      }
      from = page.next();
    }
    RecordedEvent first = batch.get(0);
    RecordedEvent last = batch.get(batch.size() - 1);
    AppendResult earlier = new AppendResult(stream, first.version(), last.version(), first.position(),
        last.position(), first.recordedAt());
    List<E> events = batch.stream().map(codec::decode).toList();
    return new CommandResult<>(stream, events, Optional.of(earlier), loaded.state(), loaded.version(), true, attempt);
  }

  /** The version of the event {@code id} among versions 1..{@code upTo}, scanning backward. */
  private OptionalLong findBackward(String stream, UUID id, long upTo) {
    long from = upTo;
    while (from >= 1) {
      Page page = store.readStream(stream, from, Direction.BACKWARD, options.pageSize());
      for (RecordedEvent e : page.events()) {
        if (e.id().equals(id)) {
          return OptionalLong.of(e.version());
        }
      }
      if (page.end() || page.isEmpty()) {
        break;
      }
      from = page.next();
    }
    return OptionalLong.empty();
  }

  private void maybeSnapshot(String stream, S state, AppendResult result, LoadedState<S> loaded) {
    if (snapshots.isEmpty()) {
      return;
    }
    long since = loaded.eventsAfterSnapshot() + (result.lastVersion() - loaded.version());
    SnapshotPolicy policy = snapshots.get().policy();
    Instant now = clock.instant();
    Optional<Snapshot<S>> last = loaded.snapshot();
    boolean take = last.isPresent()
        ? policy.shouldSnapshot(since, last.get().takenAt(), now)
        : policy.shouldSnapshot(since, now);
    if (take) {
      saveSnapshot(stream, state, result.lastVersion(), result.recordedAt());
    }
  }

  private void replaceIfNeeded(Load<S> load) {
    if (load.replaceSnapshot() && load.lastRecordedAt().isPresent()) {
      LoadedState<S> l = load.loaded();
      saveSnapshot(l.stream(), l.state(), l.version(), load.lastRecordedAt().get());
    }
  }

  private void saveSnapshot(String stream, S state, long version, Instant lastRecordedAt) {
    try {
      snapshots.orElseThrow().save(stream, state, version, lastRecordedAt);
    } catch (EventStoreException | IllegalArgumentException e) {
      LOG.warn("snapshot of '{}' at version {} not written: {}", stream, version, e.toString());
    }
  }

  private void backoff() {
    long max = options.maxBackoff().toNanos();
    if (max > 0) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(max + 1));
    }
  }
}
