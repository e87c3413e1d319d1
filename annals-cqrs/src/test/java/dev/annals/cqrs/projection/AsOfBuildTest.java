package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.core.Limits;
import dev.annals.core.RecordedEvent;
import dev.annals.core.TimeViews;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link AsOfBuild}'s three questions asked of a projection, each against an oracle computed from the
 * whole log: at a position, known at T, valid at V as known at T (backdated and future-dated events,
 * revocations by events the projection does not handle, ties in {@code effectiveAt}).
 */
class AsOfBuildTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** Records the order it saw events in: table {@code order}, key 0, 1, 2, ... -> position. */
  static Projection<MemoryTables> recorder() {
    EventApplier<MemoryTables> record = (db, e) -> {
      long n = db.getOrDefault("meta", "n", 0L);
      db.put("order", n, e.position());
      db.put("meta", "n", n + 1);
    };
    return Projection.<MemoryTables>named("order", 1).tables("order", "meta")
        .on("Deposited", record).on("FeeCharged", record).build();
  }

  static List<Long> order(MemoryTarget target) {
    Map<Object, Object> rows = target.live("order").orElseThrow().rows("order");
    List<Long> out = new ArrayList<>();
    for (long i = 0; i < rows.size(); i++) {
      out.add((Long) rows.get(i));
    }
    return out;
  }

  /**
   * Appends {@code appends} appends of 1-3 events over 5 accounts, one minute apart (sometimes none, so
   * recordedAt ties): Deposited and FeeCharged, some backdated up to 10 hours or dated up to an hour
   * ahead, and Corrected events (a type the recorder does not handle) revoking earlier ids.
   */
  static void fill(InMemoryEventStore store, JdbcProjectionTest.TestClock clock, Random r, int appends) {
    List<UUID> ids = new ArrayList<>();
    for (int a = 0; a < appends; a++) {
      List<EventData> events = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
        Instant now = clock.instant();
        UUID id = new UUID(r.nextLong(), r.nextLong());
        int kind = r.nextInt(10);
        String type = kind < 6 ? "Deposited" : kind < 8 ? "FeeCharged" : "Corrected";
        Json metadata = Json.EMPTY_OBJECT;
        if ((type.equals("Corrected") || r.nextInt(20) == 0) && !ids.isEmpty()) {
          UUID revoked = r.nextInt(8) == 0 ? UUID.randomUUID() : ids.get(r.nextInt(ids.size()));
          metadata = Json.of("{\"revokes\":[\"" + revoked + "\"]}");
        }
        int dating = r.nextInt(10);
        Optional<Instant> effectiveAt = dating < 5 ? Optional.empty()
            : dating < 9 ? Optional.of(now.minus(Duration.ofMinutes(r.nextInt(600))))
            : Optional.of(now.plus(Duration.ofMinutes(r.nextInt(60))));
        events.add(new EventData(id, type, Json.of("{\"n\":" + a + "}"), metadata, effectiveAt));
        ids.add(id);
      }
      store.append("account-" + r.nextInt(5), ExpectedVersion.ANY, events);
      if (r.nextInt(4) != 0) {
        clock.advance(Duration.ofMinutes(1));
      }
    }
  }

  /** The oracle: design §4's valid-at selection over the whole log, in (effectiveAt, position) order. */
  static List<Long> validAt(List<RecordedEvent> all, Instant v, Instant t) {
    List<RecordedEvent> known = all.stream().filter(e -> !e.recordedAt().isAfter(t)).toList();
    Set<UUID> revoked = new HashSet<>();
    known.forEach(e -> revoked.addAll(TimeViews.revokedBy(e)));
    return known.stream()
        .filter(e -> e.type().equals("Deposited") || e.type().equals("FeeCharged"))
        .filter(e -> !e.effectiveAt().isAfter(v) && !revoked.contains(e.id()))
        .sorted(Comparator.comparing(RecordedEvent::effectiveAt).thenComparingLong(RecordedEvent::position))
        .map(RecordedEvent::position).toList();
  }

  @Property(tries = 60)
  void valid_at_applies_what_was_in_effect_minus_revocations_in_effective_order(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 300) int appends) throws Exception {
    Random r = new Random(seed);
    JdbcProjectionTest.TestClock clock = new JdbcProjectionTest.TestClock(START);
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000)) {
      fill(store, clock, r, appends);
      List<RecordedEvent> all = Ledger.all(store);
      Instant end = clock.instant();
      Instant t = r.nextInt(4) == 0 ? Instant.MAX : START.plusSeconds(60L * r.nextInt(appends + 1));
      Instant v = START.plus(Duration.ofMinutes(r.nextInt(appends + 700) - 600));
      if (r.nextInt(5) == 0) {
        v = all.get(r.nextInt(all.size())).effectiveAt(); // an exact effectiveAt: the event is in effect
      }
      try (MemoryTarget target = new MemoryTarget()) {
        AsOfBuild.Result result = new AsOfBuild(store, RunnerOptions.defaults()).buildValidAt(recorder(), target, v, t);
        List<Long> expected = validAt(all, v, t);
        assertThat(order(target)).as("V=%s T=%s (log ends %s)", v, t, end).isEqualTo(expected);
        assertThat(result.applied()).isEqualTo(expected.size());
        long known = all.stream().filter(e -> !e.recordedAt().isAfter(t)).count();
        assertThat(result.position()).isEqualTo(known); // the in-memory store has no gaps
      }
    }
  }

  @Test
  void valid_at_over_many_pages_with_events_out_of_order() throws Exception {
    Random r = new Random(7);
    JdbcProjectionTest.TestClock clock = new JdbcProjectionTest.TestClock(START);
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000)) {
      fill(store, clock, r, 2500); // about 5,000 events: several pages and runs
      List<RecordedEvent> all = Ledger.all(store);
      Instant v = START.plus(Duration.ofMinutes(1500));
      Instant t = START.plus(Duration.ofMinutes(1700));
      List<Long> expected = validAt(all, v, t);
      assertThat(expected).hasSizeGreaterThan(2000);
      // the selection must really be out of position order, or this test shows nothing about runs
      assertThat(expected).isNotEqualTo(expected.stream().sorted().toList());
      try (MemoryTarget target = new MemoryTarget()) {
        new AsOfBuild(store, RunnerOptions.defaults()).buildValidAt(recorder(), target, v, t);
        assertThat(order(target)).isEqualTo(expected);
      }
    }
  }

  /**
   * A failing event splits a run: the events before it are committed on their own, the applier
   * retries it, then goes on with the rest. Events after it in the order but earlier in position must
   * still be applied (an applier skips what lies at or below the last position it committed). One
   * event fails once (retried), another always (parked).
   */
  @Test
  void a_failing_event_is_retried_or_parked_and_every_other_event_is_still_applied() throws Exception {
    Random r = new Random(13);
    JdbcProjectionTest.TestClock clock = new JdbcProjectionTest.TestClock(START);
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000);
        MemoryTarget target = new MemoryTarget()) {
      fill(store, clock, r, 400);
      List<RecordedEvent> all = Ledger.all(store);
      List<Long> expected = validAt(all, Instant.MAX, Instant.MAX);
      // fail on events late in position but early in the order, so that what follows them in the
      // order lies below them in position
      List<Long> late = expected.stream().filter(p -> p > all.size() / 2).limit(2).toList();
      long flaky = late.get(0);
      long poison = late.get(1);
      Set<Long> failedOnce = new HashSet<>();
      EventApplier<MemoryTables> record = (db, e) -> {
        if (e.position() == poison || (e.position() == flaky && failedOnce.add(flaky))) {
          throw new IllegalStateException("refused " + e.position());
        }
        long n = db.getOrDefault("meta", "n", 0L);
        db.put("order", n, e.position());
        db.put("meta", "n", n + 1);
      };
      Projection<MemoryTables> projection = Projection.<MemoryTables>named("order", 1).tables("order", "meta")
          .on("Deposited", record).on("FeeCharged", record).build();
      RunnerOptions options = RunnerOptions.defaults().withFailurePolicy(
          new FailurePolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), FailurePolicy.Exhausted.PARK));
      AsOfBuild.Result result = new AsOfBuild(store, options).buildValidAt(projection, target, Instant.MAX, Instant.MAX);
      assertThat(expected.indexOf(flaky)).isLessThan(expected.size() - 10);
      assertThat(expected.subList(expected.indexOf(flaky) + 1, expected.size())).anyMatch(p -> p < flaky);
      List<Long> withoutPoison = new ArrayList<>(expected);
      withoutPoison.remove(poison);
      assertThat(order(target)).isEqualTo(withoutPoison);
      assertThat(result.applied()).isEqualTo(withoutPoison.size());
      assertThat(target.parked(projection.id())).extracting(ParkedEvent::position).containsExactly(poison);
    }
  }

  /** A valid-at build needs a fresh target, and its target is refused by every other build. */
  @Test
  void a_valid_at_build_needs_a_fresh_target() throws Exception {
    JdbcProjectionTest.TestClock clock = new JdbcProjectionTest.TestClock(START);
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1000);
        MemoryTarget target = new MemoryTarget()) {
      fill(store, clock, new Random(3), 20);
      AsOfBuild asOf = new AsOfBuild(store, RunnerOptions.defaults());
      asOf.buildValidAt(recorder(), target, Instant.MAX, Instant.MAX);
      List<Long> first = order(target);
      assertThat(first).isNotEmpty();
      assertThatThrownBy(() -> asOf.buildValidAt(recorder(), target, Instant.MAX, Instant.MAX))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fresh target");
      // the position and time builds refuse it too: it holds events in another order
      assertThatThrownBy(() -> asOf.buildAt(recorder(), target, store.headPosition()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("valid-at build");
      assertThatThrownBy(() -> asOf.build(recorder(), target, Instant.MAX))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("valid-at build");
      assertThat(order(target)).isEqualTo(first);
    }
  }

  @Test
  void at_a_position_the_read_model_holds_the_events_up_to_it() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      Ledger.fill(store, 11, 300, 7);
      List<RecordedEvent> all = Ledger.all(store);
      AsOfBuild asOf = new AsOfBuild(store, RunnerOptions.defaults());
      for (long at : new long[] {0, 1, 137, 300, 5000}) {
        try (MemoryTarget target = new MemoryTarget()) {
          AsOfBuild.Result result = asOf.buildAt(Ledger.memory(2), target, at);
          List<RecordedEvent> upTo = all.stream().filter(e -> e.position() <= at).toList();
          assertThat(result.position()).isEqualTo(Math.min(at, 300));
          assertThat(result.applied()).isEqualTo(upTo.size());
          assertThat(Ledger.memoryBalances(target.live("ledger").orElseThrow()))
              .as("at %d", at).isEqualTo(Ledger.fold(upTo, 2));
        }
      }
      try (MemoryTarget target = new MemoryTarget()) {
        assertThatThrownBy(() -> asOf.buildAt(Ledger.memory(2), target, -1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1");
      }
    }
  }

  /**
   * A target that holds a build past the moment asked for is refused: the build would answer a later
   * state. One that holds an earlier build is continued.
   */
  @Test
  void a_target_holding_a_later_build_is_refused_and_an_earlier_one_continued() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Ledger.fill(store, 9, 100, 4);
      List<RecordedEvent> all = Ledger.all(store);
      AsOfBuild asOf = new AsOfBuild(store, RunnerOptions.defaults());
      asOf.buildAt(Ledger.memory(2), target, 40);
      assertThatThrownBy(() -> asOf.buildAt(Ledger.memory(2), target, 10))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("up to position 40");
      assertThatThrownBy(() -> asOf.build(Ledger.memory(2), target, all.get(5).recordedAt()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fresh target");
      AsOfBuild.Result more = asOf.buildAt(Ledger.memory(2), target, 70);
      assertThat(more.applied()).isEqualTo(30);
      assertThat(Ledger.memoryBalances(target.live("ledger").orElseThrow()))
          .isEqualTo(Ledger.fold(all.subList(0, 70), 2));
    }
  }

  /** A finished position or time build leaves a checkpoint that says what it holds. */
  @Test
  void a_finished_build_checkpoints_its_last_position() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Ledger.fill(store, 3, 50, 2);
      new AsOfBuild(store, RunnerOptions.defaults()).buildAt(Ledger.memory(2), target, 30);
      assertThat(target.checkpoint(Ledger.memory(2).id()).orElseThrow().position()).isEqualTo(30);
    }
  }

  @Test
  void known_at_the_end_of_time_is_everything_recorded() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore(); MemoryTarget target = new MemoryTarget()) {
      Ledger.fill(store, 5, 120, 3);
      AsOfBuild.Result result = new AsOfBuild(store, RunnerOptions.defaults()).build(Ledger.memory(2), target, Instant.MAX);
      assertThat(result.position()).isEqualTo(120);
      assertThat(Ledger.memoryBalances(target.live("ledger").orElseThrow()))
          .isEqualTo(Ledger.fold(Ledger.all(store), 2));
      assertThat(Ledger.all(store).stream().map(RecordedEvent::stream).collect(Collectors.toSet())).hasSize(3);
    }
  }
}
