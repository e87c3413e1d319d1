package dev.annals.server.projections;

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
import dev.annals.server.LedgerModule;
import dev.annals.server.projections.ProjectionSnapshot.RebuildStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A promotion stopped by an Error from a module's code (a LinkageError, a StackOverflowError) leaves the
 * rebuild a rebuild again: it can be promoted again, and the host still closes everything.
 */
class PromotionFailureTest {

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
      // a test below closes the host itself and says what it expects of close()
    }
  }

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
