package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.ProjectionState;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.module.ServerModule;
import dev.annals.server.LedgerModule;
import dev.annals.server.projections.ProjectionSnapshot.RebuildStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProjectionHost} directly: status reads never wait on a promotion or a comparison (the
 * comparison is held on a latch, so the slowness is certain), and the lifecycle (stop, restart).
 */
class ProjectionHostTest {

  static final String NAME = "ledger_totals";
  static final Duration PROMPT = Duration.ofSeconds(5);

  final InMemoryEventStore store = new InMemoryEventStore();
  final CountDownLatch comparing = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  ProjectionHost host;

  /** A comparison that stays under way until the test releases it. */
  private Comparison slowCompare(dev.annals.cqrs.projection.Rebuild<dev.annals.cqrs.projection.JdbcSession> r,
      dev.annals.cqrs.projection.Projection<dev.annals.cqrs.projection.JdbcSession> live) {
    comparing.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return r.compare(live, ProjectionSupervisor.DIFF_SAMPLE);
  }

  @BeforeEach
  void start() {
    store.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":10}"),
        EventData.of("Debited", "{\"amount\":3}"));
    host = new ProjectionHost(store, List.of(new LedgerModule()), Optional.empty(), RunnerOptions.defaults(),
        this::slowCompare);
    host.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    host.close();
  }

  /** Runs a status read on a thread of its own; fails when it does not answer within {@link #PROMPT}. */
  private ProjectionSnapshot promptly(java.util.function.Supplier<ProjectionSnapshot> read) throws Exception {
    return CompletableFuture.supplyAsync(read, r -> Thread.ofPlatform().daemon().start(r))
        .get(PROMPT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void a_status_read_answers_while_a_promotion_is_comparing_and_shows_the_state_before_it() throws Exception {
    host.rebuild(NAME);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
    CompletableFuture<ProjectionSnapshot> promotion = CompletableFuture.supplyAsync(() -> {
      try {
        return host.promote(NAME, false);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, r -> Thread.ofPlatform().daemon().start(r));
    assertThat(comparing.await(30, TimeUnit.SECONDS)).isTrue();

    ProjectionSnapshot during = promptly(() -> host.status(NAME));
    assertThat(during.version()).isEqualTo(1);
    assertThat(during.nextVersion()).hasValue(2);
    assertThat(promptly(() -> host.list().get(0)).version()).isEqualTo(1);
    assertThat(promotion).isNotDone();

    release.countDown();
    ProjectionSnapshot promoted = promotion.get(30, TimeUnit.SECONDS);
    assertThat(promoted.version()).isEqualTo(2);
    assertThat(promoted.nextVersion()).isEmpty();
    assertThat(host.status(NAME).rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.PROMOTED);
  }

  @Test
  void the_first_status_read_after_a_rebuild_catches_up_does_not_wait_for_the_comparison() throws Exception {
    host.rebuild(NAME);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();

    ProjectionSnapshot first = promptly(() -> host.status(NAME));
    assertThat(first.rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.READY);
    assertThat(first.rebuild().orElseThrow().comparison()).isEmpty();
    assertThat(comparing.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promptly(() -> host.status(NAME)).rebuild().orElseThrow().comparison()).isEmpty();

    release.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (host.status(NAME).rebuild().orElseThrow().comparison().isEmpty()) {
      assertThat(System.nanoTime()).as("the comparison shows once done").isLessThan(deadline);
      Thread.sleep(10);
    }
    Comparison c = host.status(NAME).rebuild().orElseThrow().comparison().orElseThrow();
    assertThat(c.identical()).isFalse(); // v1 ignores debits, v2 counts them
  }

  /** A module with projection {@code fragile}: both versions fail on a {@code Poison} event (only v2 when told). */
  private static dev.annals.module.ServerModule fragile(boolean v1Fails) {
    java.util.function.IntFunction<dev.annals.cqrs.projection.Projection<dev.annals.cqrs.projection.JdbcSession>> version =
        v -> dev.annals.cqrs.projection.Projection.<dev.annals.cqrs.projection.JdbcSession>named("fragile", v)
            .tables("seen")
            .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {seen} (position INTEGER PRIMARY KEY)"))
            .onAny((db, e) -> {
              if (e.type().equals("Poison") && (v == 2 || v1Fails)) {
                throw new IllegalStateException("cannot digest event " + e.position());
              }
              db.update("INSERT INTO {seen} (position) VALUES (?)", e.position());
            })
            .build();
    var hosted = new dev.annals.module.HostedProjection(version.apply(1), Optional.of(version.apply(2)),
        java.util.Map.of());
    return hosting("fragile", hosted);
  }

  /** A module that hosts one projection and nothing else. */
  /**
   * A module hosting projection {@code slow} (query {@code rows}: an empty object) that holds its as-of
   * builds inside it: each event it applies on a virtual thread (the as-of builds run on the queries'
   * threads, the live runner on its own) counts {@code inside} down, then waits for {@code open}.
   */
  static ServerModule heldAsOfBuilds(CountDownLatch inside, CountDownLatch open) {
    dev.annals.cqrs.projection.Projection<dev.annals.cqrs.projection.JdbcSession> slow =
        dev.annals.cqrs.projection.Projection.<dev.annals.cqrs.projection.JdbcSession>named("slow", 1).tables("t")
            .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {t} (n INTEGER)"))
            .onAny((db, e) -> {
              if (Thread.currentThread().isVirtual()) {
                inside.countDown();
                open.await();
              }
            }).build();
    return hosting("slow", new dev.annals.module.HostedProjection(slow, Optional.empty(),
        java.util.Map.of("rows", (reader, params) -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())));
  }

  private static ServerModule hosting(String name, dev.annals.module.HostedProjection hosted) {
    return new ServerModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public java.util.Map<String, dev.annals.module.StateView> stateViews() {
        return java.util.Map.of();
      }

      @Override
      public List<dev.annals.module.HostedProjection> projections() {
        return List.of(hosted);
      }
    };
  }

  private static final RunnerOptions STOP_AT_ONCE = RunnerOptions.defaults().withFailurePolicy(
      new dev.annals.cqrs.projection.FailurePolicy(1, Duration.ofMillis(1), Duration.ofMillis(1),
          dev.annals.cqrs.projection.FailurePolicy.Exhausted.STOP));

  private static ProjectionSnapshot await(ProjectionHost h, java.util.function.Predicate<ProjectionSnapshot> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      ProjectionSnapshot v = h.status("fragile");
      if (done.test(v)) {
        return v;
      }
      assertThat(System.nanoTime()).as("last status " + v).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void a_live_projection_that_fails_shows_failed_with_its_error_and_where_it_stopped() throws Exception {
    store.append("other-1", ExpectedVersion.ANY, EventData.of("Poison", "{}"));
    try (ProjectionHost h = new ProjectionHost(store, List.of(fragile(true)), Optional.empty(), STOP_AT_ONCE)) {
      h.start();
      ProjectionSnapshot v = await(h, x -> x.status() == ProjectionState.FAILED);
      assertThat(v.lastError()).hasValueSatisfying(e -> assertThat(e).contains("cannot digest event 3"));
      assertThat(v.position()).isEqualTo(2);
      assertThat(v.lagEvents()).isEqualTo(1);
    }
  }

  @Test
  void a_failed_rebuild_shows_failed_refuses_promotion_and_can_be_started_again() throws Exception {
    store.append("other-1", ExpectedVersion.ANY, EventData.of("Poison", "{}"));
    try (ProjectionHost h = new ProjectionHost(store, List.of(fragile(false)), Optional.empty(), STOP_AT_ONCE)) {
      h.start();
      h.rebuild("fragile");
      ProjectionSnapshot v = await(h, x -> x.rebuild().map(r -> r.status() == RebuildStatus.FAILED).orElse(false));
      assertThat(v.status()).isEqualTo(ProjectionState.RUNNING); // the live version is untouched
      assertThat(v.version()).isEqualTo(1);
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> h.promote("fragile", false)))
          .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("failed", "cannot digest event 3");
      assertThat(h.rebuild("fragile").rebuild().orElseThrow().version()).isEqualTo(2); // a fresh attempt
    }
  }

  @Test
  void while_a_promotion_waits_for_the_last_events_status_reads_answer_and_show_promoting() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    host.close();
    // v2 blocks on a Block event; the comparison appends one, so the promotion then waits for v2 to take it.
    var v2 = dev.annals.cqrs.projection.Projection.<dev.annals.cqrs.projection.JdbcSession>named("slow", 2)
        .tables("seen").setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {seen} (position INTEGER PRIMARY KEY)"))
        .onAny((db, e) -> {
          if (e.type().equals("Block")) {
            blocked.countDown();
            unblock.await();
          }
          db.update("INSERT INTO {seen} (position) VALUES (?)", e.position());
        }).build();
    var v1 = dev.annals.cqrs.projection.Projection.<dev.annals.cqrs.projection.JdbcSession>named("slow", 1)
        .tables("seen").setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {seen} (position INTEGER PRIMARY KEY)"))
        .onAny((db, e) -> db.update("INSERT INTO {seen} (position) VALUES (?)", e.position())).build();
    var hosted = new dev.annals.module.HostedProjection(v1, Optional.of(v2), java.util.Map.of());
    dev.annals.module.ServerModule module = new dev.annals.module.ServerModule() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public java.util.Map<String, dev.annals.module.StateView> stateViews() {
        return java.util.Map.of();
      }

      @Override
      public List<dev.annals.module.HostedProjection> projections() {
        return List.of(hosted);
      }
    };
    // Only the promotion's own comparison appends the Block event: a background comparison (started by
    // a status read once the rebuild caught up) must not block v2 before the promotion begins.
    java.util.concurrent.atomic.AtomicReference<Thread> promoter = new java.util.concurrent.atomic.AtomicReference<>();
    try (ProjectionHost h = new ProjectionHost(store, List.of(module), Optional.empty(), RunnerOptions.defaults(),
        (r, live) -> {
          if (Thread.currentThread() == promoter.get()) {
            store.append("other-1", ExpectedVersion.ANY, EventData.of("Block", "{}"));
          }
          return r.compare(live, ProjectionSupervisor.DIFF_SAMPLE);
        })) {
      try {
        h.start();
        h.rebuild("slow");
        assertThat(h.awaitRebuildCaughtUp("slow", Duration.ofSeconds(30))).isTrue();
        CompletableFuture<ProjectionSnapshot> promotion = CompletableFuture.supplyAsync(() -> {
          try {
            promoter.set(Thread.currentThread());
            return h.promote("slow", false);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }, r -> Thread.ofPlatform().daemon().start(r));
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

        ProjectionSnapshot during = promptly(() -> h.status("slow"));
        assertThat(during.version()).isEqualTo(1);
        assertThat(during.rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.PROMOTING);
        assertThat(promotion).isNotDone();

        unblock.countDown();
        assertThat(promotion.get(30, TimeUnit.SECONDS).version()).isEqualTo(2);
        assertThat(h.status("slow").rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.PROMOTED);
      } finally {
        unblock.countDown(); // before the host closes: a blocked applier would keep its runner from stopping
      }
    }
  }

  @Test
  void after_close_the_status_is_stopped_and_reads_still_answer() {
    host.close();
    ProjectionSnapshot v = host.status(NAME);
    assertThat(v.status()).isEqualTo(ProjectionState.STOPPED);
    assertThat(v.version()).isEqualTo(1);
    assertThat(v.nextVersion()).hasValue(2);
  }

  @Test
  void a_rebuild_under_way_when_the_host_stops_resumes_when_it_starts_again(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    host.close();
    try (ProjectionHost first = new ProjectionHost(store, List.of(new LedgerModule()), Optional.of(dir),
        RunnerOptions.defaults())) {
      first.start();
      assertThat(first.status(NAME).rebuild()).isEmpty();
      first.rebuild(NAME);
      assertThat(first.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(20))).isTrue();
    }
    store.append("ledger-b", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":5}"));
    try (ProjectionHost second = new ProjectionHost(store, List.of(new LedgerModule()), Optional.of(dir),
        RunnerOptions.defaults())) {
      second.start();
      ProjectionSnapshot v = second.status(NAME);
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.rebuild()).as("the rebuild resumed").hasValueSatisfying(r -> assertThat(r.version()).isEqualTo(2));
      assertThat(second.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(20))).isTrue();
      assertThat(second.promote(NAME, false).version()).isEqualTo(2);
    }
    try (ProjectionHost third = new ProjectionHost(store, List.of(new LedgerModule()), Optional.of(dir),
        RunnerOptions.defaults())) {
      third.start();
      assertThat(third.status(NAME).version()).isEqualTo(2);
      assertThat(third.status(NAME).rebuild()).as("a promoted rebuild does not start again").isEmpty();
    }
  }

  /** An as-of query after the host stopped is unavailable (503), not a 404 or 500 from what close removed. */
  @Test
  void an_as_of_query_after_close_is_unavailable() {
    host.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> host.queryAsOf(NAME, "rows", java.util.Map.of(),
            new AsOf.AtPosition(1)))
        .isInstanceOf(AsOfQueries.UnavailableException.class).hasMessageContaining("stopped");
  }

  /** A scratch directory left by an as-of build that never finished (a killed server) is deleted at start. */
  @Test
  void leftovers_of_as_of_builds_are_deleted_at_start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path left = java.nio.file.Files.createDirectories(dir.resolve("as-of-1234567890"));
    java.nio.file.Files.write(left.resolve("projections.db"), new byte[4096]);
    ProjectionHost other = new ProjectionHost(store, List.of(new LedgerModule()), Optional.of(dir), RunnerOptions.defaults());
    try {
      other.start();
      assertThat(left).doesNotExist();
      assertThat(other.queryAsOf(NAME, "rows", java.util.Map.of(), new AsOf.AtPosition(2)).applied())
          .isEqualTo(2);
      other.close(); // the build was kept for more queries at position 2, until now
      try (var files = java.nio.file.Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("as-of-"))).isEmpty();
      }
    } finally {
      other.close();
    }
  }

  /**
   * Two as-of builds at once at most: a third query waits for a slot, then gets 503's exception; once
   * the builds end, the slots serve queries again. The builds are held inside the projection on a latch.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void a_third_as_of_query_waits_for_a_slot_then_is_unavailable() throws Exception {
    CountDownLatch inside = new CountDownLatch(2);
    CountDownLatch open = new CountDownLatch(1);
    ProjectionHost other = new ProjectionHost(store, List.of(heldAsOfBuilds(inside, open)), Optional.empty(),
        RunnerOptions.defaults(),
        (r, live) -> r.compare(live, ProjectionSupervisor.DIFF_SAMPLE), Duration.ofMillis(300));
    try {
      other.start();
      AsOf first = new AsOf.AtPosition(1);
      List<Thread> held = new java.util.ArrayList<>();
      for (int i = 1; i <= 2; i++) { // two moments: one moment is built once, its second query waits on it
        AsOf moment = new AsOf.AtPosition(i);
        held.add(Thread.ofVirtual().start(() -> {
          try {
            other.queryAsOf("slow", "rows", java.util.Map.of(), moment);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.queryAsOf("slow", "rows", java.util.Map.of(),
              new AsOf.AtPosition(0)))
          .isInstanceOf(AsOfQueries.UnavailableException.class).hasMessageContaining("as-of builds are running");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
      open.countDown();
      for (Thread t : held) {
        t.join();
      }
      assertThat(other.queryAsOf("slow", "rows", java.util.Map.of(), first).applied()).isEqualTo(1);
    } finally {
      open.countDown();
      other.close();
    }
  }
}
