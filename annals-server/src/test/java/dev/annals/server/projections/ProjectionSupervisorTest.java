package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.ProjectionState;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.server.LedgerModule;
import dev.annals.server.projections.ProjectionSnapshot.RebuildStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's lifecycle as the host drives it: who starts the comparison of a rebuild (the
 * supervisor, never a status read), and the moves of {@link ProjectionPhase} seen through the public
 * calls (a refused promotion goes back to rebuilding; nothing moves before start or after close).
 */
class ProjectionSupervisorTest {

  static final String NAME = "ledger_totals";

  final InMemoryEventStore store = new InMemoryEventStore();
  /** The supervisor's background tasks, held here until the test runs them. */
  final List<Runnable> background = new CopyOnWriteArrayList<>();
  final AtomicInteger compared = new AtomicInteger();
  ProjectionHost host;

  @BeforeEach
  void start() {
    store.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":10}"),
        EventData.of("Debited", "{\"amount\":3}"));
    host = new ProjectionHost(store, List.of(new LedgerModule()), new SqliteReadModels(Optional.empty()),
        RunnerOptions.defaults(), this::countingCompare, AsOfQueries.WAIT, background::add);
    host.start();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  private Comparison countingCompare(dev.annals.cqrs.projection.Rebuild<dev.annals.cqrs.projection.JdbcSession> r,
      dev.annals.cqrs.projection.Projection<dev.annals.cqrs.projection.JdbcSession> live) {
    compared.incrementAndGet();
    return r.compare(live, ProjectionSupervisor.DIFF_SAMPLE);
  }

  @Test
  void a_status_read_starts_nothing_the_rebuild_hands_its_comparison_to_the_background() throws Exception {
    for (int i = 0; i < 10; i++) {
      host.status(NAME);
      host.list();
    }
    assertThat(background).as("no rebuild, nothing to run").isEmpty();

    host.rebuild(NAME);
    assertThat(background).as("the rebuild hands over one wait-then-compare task").hasSize(1);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
    for (int i = 0; i < 10; i++) {
      ProjectionSnapshot.Rebuild r = host.status(NAME).rebuild().orElseThrow();
      assertThat(r.status()).isEqualTo(RebuildStatus.READY);
      assertThat(r.comparison()).as("a read shows what was done; it does no comparison").isEmpty();
      assertThat(host.list().get(0).rebuild().orElseThrow().comparison()).isEmpty();
    }
    assertThat(background).as("caught-up status reads hand over nothing").hasSize(1);
    assertThat(compared).hasValue(0);

    background.get(0).run(); // what the supervisor's executor would run: the rebuild has caught up, so it compares
    assertThat(compared).hasValue(1);
    Comparison c = host.status(NAME).rebuild().orElseThrow().comparison().orElseThrow();
    assertThat(c.identical()).isFalse(); // v1 ignores debits, v2 counts them
    host.status(NAME);
    assertThat(compared).as("reading the result does not compare again").hasValue(1);
    assertThat(background).hasSize(1);
  }

  @Test
  void the_comparison_starts_when_the_rebuild_catches_up_without_any_status_read() throws Exception {
    host.close();
    CountDownLatch done = new CountDownLatch(1);
    try (ProjectionHost h = new ProjectionHost(store, List.of(new LedgerModule()), new SqliteReadModels(Optional.empty()),
        RunnerOptions.defaults(), (r, live) -> {
          Comparison c = r.compare(live, ProjectionSupervisor.DIFF_SAMPLE);
          done.countDown();
          return c;
        }, AsOfQueries.WAIT, task -> Thread.ofVirtual().start(task))) {
      h.start();
      h.rebuild(NAME);
      assertThat(done.await(30, TimeUnit.SECONDS)).as("compared with no status read").isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (h.status(NAME).rebuild().orElseThrow().comparison().isEmpty()) { // published just after the comparer returns
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  @Test
  void a_rebuild_resumed_at_start_hands_its_comparison_to_the_background_too(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    host.close();
    List<Runnable> first = new CopyOnWriteArrayList<>();
    try (ProjectionHost h = new ProjectionHost(store, List.of(new LedgerModule()), new SqliteReadModels(Optional.of(dir)),
        RunnerOptions.defaults(), this::countingCompare, AsOfQueries.WAIT, first::add)) {
      h.start();
      h.rebuild(NAME);
      assertThat(h.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
    }
    List<Runnable> second = new CopyOnWriteArrayList<>();
    try (ProjectionHost h = new ProjectionHost(store, List.of(new LedgerModule()), new SqliteReadModels(Optional.of(dir)),
        RunnerOptions.defaults(), this::countingCompare, AsOfQueries.WAIT, second::add)) {
      h.start();
      assertThat(second).as("the resumed rebuild's comparison task").hasSize(1);
      assertThat(h.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
      assertThat(h.status(NAME).rebuild().orElseThrow().comparison()).isEmpty();
      second.get(0).run();
      assertThat(h.status(NAME).rebuild().orElseThrow().comparison()).isPresent();
    }
    assertThat(compared).hasValue(1);
  }

  @Test
  void a_refused_promotion_goes_back_to_rebuilding_and_the_rebuild_can_be_promoted_after() throws Exception {
    host.rebuild(NAME);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();

    assertThat(catchThrowable(() -> host.promote(NAME, true)))
        .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("differs", "requireIdentical");
    ProjectionSnapshot after = host.status(NAME);
    assertThat(after.version()).isEqualTo(1);
    assertThat(after.rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.READY);
    assertThat(after.rebuild().orElseThrow().comparison()).as("the comparison the refusal was based on").isPresent();

    ProjectionSnapshot promoted = host.promote(NAME, false);
    assertThat(promoted.version()).isEqualTo(2);
    assertThat(promoted.rebuild().orElseThrow().status()).isEqualTo(RebuildStatus.PROMOTED);
    assertThat(catchThrowable(() -> host.promote(NAME, false)))
        .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("no rebuild of " + NAME);
  }

  @Test
  void a_second_rebuild_while_one_runs_is_refused_and_leaves_the_first_running() throws Exception {
    host.rebuild(NAME);
    assertThat(catchThrowable(() -> host.rebuild(NAME)))
        .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("already running");
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
    assertThat(host.status(NAME).rebuild().orElseThrow().version()).isEqualTo(2);
    assertThat(background).as("one rebuild, one comparison task").hasSize(1);
  }

  @Test
  void nothing_moves_before_start_or_after_close() throws Exception {
    try (ProjectionHost idle = new ProjectionHost(store, List.of(new LedgerModule()), Optional.empty(),
        RunnerOptions.defaults())) {
      assertThat(idle.status(NAME).status()).isEqualTo(ProjectionState.STOPPED);
      assertThat(catchThrowable(() -> idle.rebuild(NAME))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not started");
      assertThat(catchThrowable(() -> idle.promote(NAME, false)))
          .isInstanceOf(ProjectionSupervisor.RefusedException.class).hasMessageContaining("no rebuild");
    }
    host.rebuild(NAME);
    host.close();
    assertThat(host.status(NAME).status()).isEqualTo(ProjectionState.STOPPED);
    assertThat(host.status(NAME).rebuild()).as("close stops the rebuild").isEmpty();
    assertThat(catchThrowable(() -> host.rebuild(NAME))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
    host.close(); // idempotent: STOPPED is not moved again
  }
}
