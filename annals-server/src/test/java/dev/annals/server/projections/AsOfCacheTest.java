package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.server.LedgerModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As-of builds kept for more queries at the same moment ({@link AsOfCache} in {@link ProjectionHost}):
 * a final moment is built once, a moment later events may still enter is built every time, the kept
 * builds are bounded and deleted, a promotion never answers from the old code's build, and a build
 * that parked an event is not kept.
 */
class AsOfCacheTest {

  static final String NAME = "ledger_totals";

  @TempDir
  Path dir;
  final InMemoryEventStore store = new InMemoryEventStore();
  ProjectionHost host;

  @BeforeEach
  void start() {
    host = new ProjectionHost(store, List.of(new LedgerModule()), Optional.of(dir), RunnerOptions.defaults());
    host.start();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  @Test
  void a_final_moment_is_built_once_and_answered_again_from_the_kept_build() throws Exception {
    Instant t1 = append("ledger-a", "Credited", 10).recordedAt();
    waitPast(t1);
    append("ledger-a", "Credited", 5); // recorded after t1: knownAt t1 is final
    for (int i = 0; i < 3; i++) {
      AsOfQueries.Answer a = host.queryAsOf(NAME, "rows", Map.of(), new AsOf.KnownAt(t1));
      assertThat(total(a.body())).isEqualTo(10);
      assertThat(a.position()).isEqualTo(1);
      assertThat(a.applied()).isEqualTo(1);
      assertThat(host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(2)).body().toString())
          .contains("\"total\":15");
    }
    assertThat(host.asOfBuildsRun()).isEqualTo(2);
    assertThat(asOfDirs()).hasSize(2);
    // a query with parameters reads the same kept build
    assertThat(host.queryAsOf(NAME, "rows", Map.of("stream", "ledger-a"), new AsOf.KnownAt(t1))
        .body().toString()).contains("\"total\":10");
    assertThat(host.asOfBuildsRun()).isEqualTo(2);
  }

  @Test
  void a_moment_events_may_still_enter_is_built_every_time_until_an_event_is_recorded_after_it() throws Exception {
    append("ledger-a", "Credited", 10);
    Instant now = Instant.now();
    AsOf knownNow = new AsOf.KnownAt(now);
    AsOf validNow = new AsOf.ValidAt(now, Instant.MAX); // as known whenever asked
    for (int i = 0; i < 2; i++) {
      assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), knownNow).body())).isEqualTo(10);
      assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), validNow).body())).isEqualTo(10);
    }
    assertThat(host.asOfBuildsRun()).isEqualTo(4);
    assertThat(asOfDirs()).isEmpty();

    waitPast(now);
    // recorded after now, in effect since a year ago: valid now as known now counts it
    store.append("ledger-a", ExpectedVersion.ANY, new EventData(java.util.UUID.randomUUID(), "Credited",
        dev.annals.core.Json.of("{\"amount\":5}"), dev.annals.core.Json.EMPTY_OBJECT,
        Optional.of(now.minus(java.time.Duration.ofDays(365)))));
    assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), validNow).body())).as("valid now, as known now").isEqualTo(15);
    for (int i = 0; i < 2; i++) {
      assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), knownNow).body())).as("the later event is not known at now")
          .isEqualTo(10);
    }
    assertThat(host.asOfBuildsRun()).isEqualTo(6); // the valid-at one, and knownNow once: now final
  }

  @Test
  void at_most_a_few_builds_are_kept_the_least_recently_used_goes_and_close_deletes_them_all() throws Exception {
    for (int i = 1; i <= 6; i++) {
      append("ledger-" + i, "Credited", i);
    }
    for (int p = 1; p <= 6; p++) {
      host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(p));
    }
    assertThat(host.asOfBuildsRun()).isEqualTo(6);
    assertThat(asOfDirs()).hasSize(AsOfQueries.KEPT);
    host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(6)); // kept
    host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(1)); // dropped: built again
    assertThat(host.asOfBuildsRun()).isEqualTo(7);
    assertThat(asOfDirs()).hasSize(AsOfQueries.KEPT);
    host.close();
    assertThat(asOfDirs()).isEmpty();
  }

  @Test
  void after_a_promotion_the_new_code_is_built_not_the_old_build_served() throws Exception {
    append("ledger-a", "Credited", 10);
    append("ledger-a", "Debited", 3);
    AsOf both = new AsOf.AtPosition(2);
    assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), both).body())).as("v1 counts credits only").isEqualTo(10);
    assertThat(asOfDirs()).hasSize(1);
    host.rebuild(NAME);
    host.promote(NAME, false);
    assertThat(asOfDirs()).as("the old version's build is dropped at the promotion").isEmpty();
    assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), both).body())).as("v2 subtracts debits").isEqualTo(7);
    assertThat(host.asOfBuildsRun()).isEqualTo(2);
  }

  @Test
  void known_at_instants_that_cut_the_log_at_one_position_share_one_build() throws Exception {
    Instant t1 = append("ledger-a", "Credited", 10).recordedAt();
    waitPast(t1);
    append("ledger-a", "Credited", 5);
    for (Instant t : List.of(t1, t1.plusNanos(1), t1.plusNanos(999))) {
      AsOfQueries.Answer a = host.queryAsOf(NAME, "rows", Map.of(), new AsOf.KnownAt(t));
      assertThat(total(a.body())).isEqualTo(10);
      assertThat(a.position()).isEqualTo(1);
    }
    assertThat(total(host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(1)).body())).isEqualTo(10);
    assertThat(host.asOfBuildsRun()).isEqualTo(1);
  }

  /** Events stamped in one tick of the clock: a knownAt equal to the last one's recordedAt is not final. */
  @Test
  void a_known_at_equal_to_the_last_recorded_at_is_not_final_as_the_next_event_may_share_that_instant() throws Exception {
    Instant tick = Instant.parse("2026-11-27T10:00:00.123456Z");
    InMemoryEventStore frozen = new InMemoryEventStore(java.time.Clock.fixed(tick, java.time.ZoneOffset.UTC),
        dev.annals.core.Limits.defaults(), 1000);
    try (ProjectionHost h = new ProjectionHost(frozen, List.of(new LedgerModule()), Optional.empty(), RunnerOptions.defaults())) {
      h.start();
      frozen.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":10}"));
      assertThat(total(h.queryAsOf(NAME, "rows", Map.of(), new AsOf.KnownAt(tick)).body())).isEqualTo(10);
      frozen.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":5}"));
      assertThat(total(h.queryAsOf(NAME, "rows", Map.of(), new AsOf.KnownAt(tick)).body()))
          .as("recorded at the same instant, so known at it").isEqualTo(15);
      assertThat(h.asOfBuildsRun()).isEqualTo(2);
    }
  }

  /** Two queries at one final moment at once: the second waits for the first one's build, takes no slot. */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void a_moment_being_built_is_waited_for_not_built_again() throws Exception {
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    ProjectionHost other = new ProjectionHost(store, List.of(ProjectionHostTest.heldAsOfBuilds(inside, open)),
        Optional.empty(), RunnerOptions.defaults());
    try {
      other.start();
      append("ledger-a", "Credited", 1);
      AsOf first = new AsOf.AtPosition(1);
      List<java.util.concurrent.CompletableFuture<AsOfQueries.Answer>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        java.util.concurrent.CompletableFuture<AsOfQueries.Answer> f = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
          try {
            f.complete(other.queryAsOf("slow", "rows", Map.of(), first));
          } catch (Throwable e) {
            f.completeExceptionally(e);
          }
        });
        answers.add(f);
        if (i == 0) {
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (inside.getCount() == 2 && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
          assertThat(inside.getCount()).as("the first build is inside").isEqualTo(1);
        }
      }
      Thread.sleep(200); // the second query, had it built, would be inside the projection by now
      assertThat(inside.getCount()).as("no second build entered").isEqualTo(1);
      open.countDown();
      for (var f : answers) {
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS).applied()).isEqualTo(1);
      }
      assertThat(other.asOfBuildsRun()).isEqualTo(1);
    } finally {
      open.countDown();
      other.close();
    }
  }

  @Test
  void a_build_that_parked_an_event_is_not_kept() throws Exception {
    append("ledger-a", "Credited", 10);
    store.append("ledger-b", ExpectedVersion.ANY, EventData.of("Bogus", "{}")); // the codec knows no Bogus
    append("ledger-a", "Credited", 1);
    for (int i = 0; i < 2; i++) {
      AsOfQueries.Answer a = host.queryAsOf(NAME, "rows", Map.of(), new AsOf.AtPosition(2));
      assertThat(a.parked()).containsExactly(2L);
    }
    assertThat(host.asOfBuildsRun()).isEqualTo(2);
    assertThat(asOfDirs()).isEmpty();
  }

  private RecordedEvent append(String stream, String type, long amount) {
    store.append(stream, ExpectedVersion.ANY, EventData.of(type, "{\"amount\":" + amount + "}"));
    return store.readAll(store.headPosition(), dev.annals.core.Direction.FORWARD, 1, dev.annals.core.Filter.everything())
        .events().getFirst();
  }

  private static long total(JsonNode body) {
    long sum = 0;
    for (JsonNode row : body.path("rows")) {
      sum += row.path("total").asLong();
    }
    return sum;
  }

  private static void waitPast(Instant t) throws InterruptedException {
    while (!Instant.now().isAfter(t.plusMillis(1))) {
      Thread.sleep(1);
    }
  }

  private List<String> asOfDirs() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("as-of-")).toList();
    }
  }
}
