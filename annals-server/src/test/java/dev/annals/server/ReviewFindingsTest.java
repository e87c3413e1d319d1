package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.Rebuild;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.server.ProjectionSnapshot.RebuildStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Defects a review of the projection host split found in annals-server. Each test fails on the code as
 * it is and is disabled so the build stays green; the review report says how to fix each one.
 */
class ReviewFindingsTest {

  static final String NAME = "ledger_totals";

  final InMemoryEventStore store = new InMemoryEventStore();
  /** Compare calls so far; the first one fails with an Error (a module's code can throw one: a LinkageError, a StackOverflowError). */
  final AtomicInteger compares = new AtomicInteger();
  ProjectionHost host;

  private Comparison firstCompareFails(Rebuild<JdbcSession> r, Projection<JdbcSession> live) {
    if (compares.incrementAndGet() == 1) {
      throw new StackOverflowError("a module's code overflowed its stack while comparing");
    }
    return r.compare(live, ProjectionSupervisor.DIFF_SAMPLE);
  }

  @BeforeEach
  void start() {
    store.append("ledger-a", ExpectedVersion.ANY, EventData.of("Credited", "{\"amount\":10}"),
        EventData.of("Debited", "{\"amount\":3}"));
    // background comparisons are dropped: only the promotion compares
    host = new ProjectionHost(store, List.of(new LedgerModule()), new SqliteReadModels(Optional.empty()),
        RunnerOptions.defaults(), this::firstCompareFails, AsOfQueries.WAIT, task -> { });
    host.start();
  }

  @AfterEach
  void stop() {
    try {
      host.close();
    } catch (RuntimeException ignored) {
      // the defect below: close() itself fails; the test has already said so
    }
  }

  @Disabled("review finding: an Error during a promotion leaves the projection PROMOTING for good: status says "
      + "promoting, a retry or a new rebuild is refused, and close() throws IllegalTransitionException "
      + "before stopping the other projections and closing the read-model store")
  @Test
  void a_promotion_that_fails_with_an_error_goes_back_to_rebuilding_and_the_host_still_closes() throws Exception {
    host.rebuild(NAME);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();

    assertThat(catchThrowable(() -> host.promote(NAME, false))).isInstanceOf(StackOverflowError.class);

    assertThat(host.status(NAME).rebuild().orElseThrow().status())
        .as("the failed promotion is over: the rebuild is ready again, not promoting")
        .isEqualTo(RebuildStatus.READY);
    ProjectionSnapshot promoted = host.promote(NAME, false); // retried, as after any other failed promotion
    assertThat(promoted.version()).isEqualTo(2);
  }

  @Disabled("review finding: close() refuses to stop a projection left PROMOTING (PROMOTING -> STOPPED is not an "
      + "allowed move), so it throws and leaves runners, the SQLite connection and the temporary directory behind")
  @Test
  void close_stops_everything_even_after_a_promotion_failed_with_an_error() throws Exception {
    host.rebuild(NAME);
    assertThat(host.awaitRebuildCaughtUp(NAME, Duration.ofSeconds(30))).isTrue();
    assertThat(catchThrowable(() -> host.promote(NAME, false))).isInstanceOf(StackOverflowError.class);
    Optional<java.nio.file.Path> dir = host.databaseDir();
    assertThat(dir).isPresent();

    assertThatCode(host::close).doesNotThrowAnyException();
    assertThat(host.status(NAME).status()).isEqualTo(dev.annals.cqrs.projection.ProjectionState.STOPPED);
    assertThat(dir.get()).as("the temporary projection directory goes at close").doesNotExist();
  }
}
