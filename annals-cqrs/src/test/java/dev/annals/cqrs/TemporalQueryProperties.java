package dev.annals.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.EventStore;
import dev.annals.core.Metadata;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.codec.JacksonStateCodec;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For random histories (random effective times in the past and future, revocations of earlier,
 * unknown and later ids, appends to another stream in between, several appends at the same instant,
 * snapshots taken at random versions and out of order) the three queries of design §4 equal a
 * brute-force fold of their definitions; snapshots change no answer; known-at answers never change
 * when later events are appended.
 */
public abstract class TemporalQueryProperties implements StoreFixture {

  static final String S = "notes-1";
  static final String OTHER = "notes-2";
  static final int NO_EFFECTIVE_AT = Integer.MAX_VALUE;

  record Noted(int n) {}

  /** An order-sensitive state: which events were folded, in which order. */
  record Notes(List<Integer> ns) {
    Notes add(int n) {
      List<Integer> l = new ArrayList<>(ns);
      l.add(n);
      return new Notes(l);
    }
  }

  static final StateFold<Notes, Noted> FOLD = new StateFold<>(new Notes(List.of()), (s, e) -> s.add(e.n()));

  /**
   * @param effectiveOffsets one per event: seconds from the append's time, or {@link #NO_EFFECTIVE_AT}
   * @param revokePicks indexes into the ids seen so far (of both streams; negative: an unknown id)
   * @param snapshotPick when present, a snapshot of S is saved after this step at version pick % version + 1
   */
  record Step(int gapMillis, boolean other, List<Integer> effectiveOffsets, List<Integer> revokePicks,
      Optional<Integer> snapshotPick) {}

  final class World implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    final EventStore store = newStore(clock);
    final JacksonEventCodec<Noted> codec = JacksonEventCodec.builder(Noted.class).register("Noted", Noted.class).build();
    final SnapshotStore<Notes> snapshots =
        new SnapshotStore<>(store, JacksonStateCodec.of("notes", 1, Notes.class), SnapshotPolicy.never());
    final StateQueries<Notes, Noted> plain = new StateQueries<>(store, codec, FOLD, 7);
    final StateQueries<Notes, Noted> snapshotted = new StateQueries<>(store, codec, FOLD, snapshots, 7);
    final List<UUID> ids = new ArrayList<>();
    int counter;

    void run(Step step) {
      clock.advance(Duration.ofMillis(step.gapMillis()));
      List<EventData> batch = new ArrayList<>();
      for (int offset : step.effectiveOffsets()) {
        EventData d = codec.toEventData(UUID.randomUUID(), new Noted(counter++));
        if (offset != NO_EFFECTIVE_AT) {
          d = d.withEffectiveAt(clock.instant().plusSeconds(offset));
        }
        if (!step.revokePicks().isEmpty()) {
          ArrayNode revokes = JsonNodeFactory.instance.arrayNode();
          for (int pick : step.revokePicks()) {
            revokes.add(pick < 0 || ids.isEmpty() ? UUID.randomUUID().toString() : ids.get(pick % ids.size()).toString());
          }
          d = d.withMetadata(d.metadata().with(Metadata.REVOKES, revokes));
        }
        batch.add(d);
      }
      store.append(step.other() ? OTHER : S, ExpectedVersion.ANY, batch);
      batch.forEach(d -> ids.add(d.id()));
      long version = store.streamVersion(S);
      if (step.snapshotPick().isPresent() && version > 0) {
        long v = step.snapshotPick().get() % version + 1;
        snapshots.save(S, bruteAt(v), v, all().get((int) v - 1).recordedAt());
      }
    }

    @Override
    public void close() {
      store.close();
    }

    List<RecordedEvent> all() {
      return store.readStream(S, 1, Direction.FORWARD, 10_000).events();
    }

    Notes fold(List<RecordedEvent> events) {
      Notes s = FOLD.initialState();
      for (RecordedEvent e : events) {
        s = FOLD.apply(s, codec.decode(e));
      }
      return s;
    }

    Notes bruteAt(long n) {
      return fold(all().stream().filter(e -> e.version() <= n).toList());
    }

    Notes bruteKnownAt(Instant t) {
      return fold(all().stream().filter(e -> !e.recordedAt().isAfter(t)).toList());
    }

    Notes bruteValidAt(Instant v, Instant t) {
      List<RecordedEvent> known = all().stream().filter(e -> !e.recordedAt().isAfter(t)).toList();
      Set<String> revoked = new HashSet<>();
      for (RecordedEvent e : known) {
        JsonNode r = e.metadata().toNode().get(Metadata.REVOKES);
        if (r != null) {
          r.forEach(id -> revoked.add(id.asText()));
        }
      }
      return fold(known.stream()
          .filter(e -> !e.effectiveAt().isAfter(v) && !revoked.contains(e.id().toString()))
          .sorted(Comparator.comparing(RecordedEvent::effectiveAt).thenComparingLong(RecordedEvent::version))
          .toList());
    }

    /** Times worth asking about: each recorded and effective time, a millisecond either side, and the ends. */
    List<Instant> probeTimes(boolean effective, int max) {
      TreeSet<Instant> times = new TreeSet<>();
      for (RecordedEvent e : store.readAll(1, Direction.FORWARD, 10_000, dev.annals.core.Filter.all()).events()) {
        Instant t = effective ? e.effectiveAt() : e.recordedAt();
        times.add(t);
        times.add(t.minusMillis(1));
        times.add(t.plusMillis(1));
      }
      times.add(Instant.parse("2026-01-01T00:00:00Z"));
      times.add(Instant.parse("2027-01-01T00:00:00Z"));
      List<Instant> list = new ArrayList<>(times);
      List<Instant> out = new ArrayList<>();
      int stride = Math.max(1, list.size() / max);
      for (int i = 0; i < list.size(); i += stride) {
        out.add(list.get(i));
      }
      out.add(list.get(list.size() - 1));
      return out;
    }
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    return steps(0).list().ofMinSize(1).ofMaxSize(25);
  }

  @Provide
  Arbitrary<List<Step>> strictlyTimedHistories() {
    return steps(1).list().ofMinSize(2).ofMaxSize(25);
  }

  static Arbitrary<Step> steps(int minGapMillis) {
    Arbitrary<Integer> gap = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(minGapMillis)),
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(Math.max(1, minGapMillis), 5_000)));
    Arbitrary<Integer> offset = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.just(NO_EFFECTIVE_AT)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(-3 * 3600, 3600)));
    Arbitrary<List<Integer>> revokes = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(List.<Integer>of())),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-3, 1_000).list().ofMinSize(1).ofMaxSize(2)));
    Arbitrary<Optional<Integer>> snapshot = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Optional.<Integer>empty())),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 10_000).map(Optional::of)));
    return Combinators.combine(gap, Arbitraries.integers().between(0, 4).map(x -> x == 0),
        offset.list().ofMinSize(1).ofMaxSize(3), revokes, snapshot).as(Step::new);
  }

  @Property(tries = 120)
  void state_at_a_version_is_the_fold_of_versions_one_to_n(@ForAll("histories") List<Step> history) {
    try (World w = new World()) {
      history.forEach(w::run);
      long last = w.store.streamVersion(S);
      for (long n = 0; n <= last + 1; n++) {
        Notes expected = w.bruteAt(n);
        assertThat(w.plain.stateAt(S, n)).as("stateAt(%d)", n).isEqualTo(expected);
        assertThat(w.snapshotted.stateAt(S, n)).as("stateAt(%d) with snapshots", n).isEqualTo(expected);
      }
    }
  }

  @Property(tries = 120)
  void state_known_at_is_the_version_order_fold_of_events_recorded_by_then(@ForAll("histories") List<Step> history) {
    try (World w = new World()) {
      history.forEach(w::run);
      for (Instant t : w.probeTimes(false, 40)) {
        Notes expected = w.bruteKnownAt(t);
        assertThat(w.plain.stateKnownAt(S, t)).as("knownAt(%s)", t).isEqualTo(expected);
        assertThat(w.snapshotted.stateKnownAt(S, t)).as("knownAt(%s) with snapshots", t).isEqualTo(expected);
        assertThat(w.plain.versionKnownAt(S, t)).as("versionKnownAt(%s)", t)
            .isEqualTo(w.all().stream().filter(e -> !e.recordedAt().isAfter(t)).count());
      }
    }
  }

  @Property(tries = 120)
  void state_valid_at_is_the_effective_order_fold_without_revoked_events(@ForAll("histories") List<Step> history) {
    try (World w = new World()) {
      history.forEach(w::run);
      List<Instant> knownTimes = w.probeTimes(false, 6);
      for (Instant v : w.probeTimes(true, 8)) {
        for (Instant t : knownTimes) {
          Notes expected = w.bruteValidAt(v, t);
          assertThat(w.plain.stateValidAt(S, v, t)).as("validAt(%s, knownAt %s)", v, t).isEqualTo(expected);
          assertThat(w.snapshotted.stateValidAt(S, v, t)).as("with snapshots").isEqualTo(expected);
        }
        assertThat(w.plain.stateValidAt(S, v)).as("validAt(%s) known now", v)
            .isEqualTo(w.bruteValidAt(v, Instant.parse("2100-01-01T00:00:00Z")));
      }
    }
  }

  @Property(tries = 80)
  void known_at_answers_never_change_when_later_events_are_appended(
      @ForAll("strictlyTimedHistories") List<Step> history, @ForAll("splits") double split) {
    try (World w = new World()) {
      int cut = Math.max(1, (int) (history.size() * split));
      history.subList(0, cut).forEach(w::run);
      List<Instant> knownTimes = w.probeTimes(false, 10).stream().filter(t -> !t.isAfter(w.clock.instant())).toList();
      List<Instant> validTimes = w.probeTimes(true, 6);
      List<Notes> before = new ArrayList<>();
      for (Instant t : knownTimes) {
        before.add(w.snapshotted.stateKnownAt(S, t));
        for (Instant v : validTimes) {
          before.add(w.snapshotted.stateValidAt(S, v, t));
        }
      }
      history.subList(cut, history.size()).forEach(w::run);
      List<Notes> after = new ArrayList<>();
      for (Instant t : knownTimes) {
        after.add(w.snapshotted.stateKnownAt(S, t));
        for (Instant v : validTimes) {
          after.add(w.snapshotted.stateValidAt(S, v, t));
        }
      }
      assertThat(after).isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<Double> splits() {
    return Arbitraries.doubles().between(0.1, 0.9);
  }
}
