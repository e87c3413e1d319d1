package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ForwardingEventStore;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Subscription;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link AsyncProjectionRunner#status()} says about where the runner is. */
class ProjectionStateTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /**
   * {@code awaitPosition} can return before the reader reports that it reached the head: the events it
   * waits for may be applied first (a full batch, or the flush the report itself starts). A store whose
   * subscriptions never report it, and batches that fill exactly at the head, make that moment last.
   */
  @Test
  void a_runner_at_the_head_is_running_before_its_reader_reports_the_head() throws Exception {
    try (EventStore store = new NeverCaughtUp(new InMemoryEventStore()); MemoryTarget target = new MemoryTarget()) {
      for (int i = 0; i < 5; i++) {
        store.append("acc-1", ExpectedVersion.ANY, EventData.of("Deposited", "{\"amount\":1}"));
      }
      Projection<MemoryTables> counts = Projection.<MemoryTables>named("counts", 1)
          .tables("counts")
          .onAny((db, e) -> db.put("counts", e.stream(), db.getOrDefault("counts", e.stream(), 0) + 1))
          .build();
      try (AsyncProjectionRunner<MemoryTables> runner = AsyncProjectionRunner.start(store, counts, target,
          RunnerOptions.defaults().withMaxBatch(5))) {
        assertThat(runner.awaitPosition(5, WAIT)).isTrue();

        ProjectionStatus status = runner.status();
        assertThat(status.state()).isEqualTo(ProjectionState.RUNNING);
        assertThat(status.lagEvents()).isZero();
        assertThat(runner.isCaughtUp()).as("the reader never said it reached the head").isFalse();
      }
    }
  }

  /** The events of a store, but its subscriptions never call {@link EventHandler#onCaughtUp}. */
  private static final class NeverCaughtUp extends ForwardingEventStore {
    NeverCaughtUp(EventStore delegate) {
      super(delegate);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler) {
      return delegate.subscribeToAll(fromPosition, filter, handler::onEvent);
    }

    @Override
    public Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler) {
      return delegate.subscribeToStream(stream, fromVersion, handler::onEvent);
    }
  }
}
