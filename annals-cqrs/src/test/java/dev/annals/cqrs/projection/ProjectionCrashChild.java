package dev.annals.cqrs.projection;

import dev.annals.core.InMemoryEventStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link ProjectionCrashTest}: builds the same in-memory store from a seed, then runs
 * the (slowed) SQLite ledger projection with two partitions until it is killed or done.
 * Args: directory, seed, events.
 */
public final class ProjectionCrashChild {

  private ProjectionCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int events = Integer.parseInt(args[2]);
    try (InMemoryEventStore store = new InMemoryEventStore(); JdbcTarget target = JdbcTarget.sqlite(dir)) {
      Ledger.fill(store, seed, events, ProjectionCrashTest.ACCOUNTS);
      try (AsyncProjectionRunner<JdbcSession> runner = AsyncProjectionRunner.start(store,
          Ledger.jdbc(2, ProjectionCrashTest.DELAY_NANOS), target, ProjectionCrashTest.options())) {
        System.out.println("started");
        System.out.flush();
        boolean done = runner.awaitPosition(store.headPosition(), Duration.ofMinutes(5));
        System.out.println(done ? "done" : "timeout");
        System.out.flush();
      }
    }
  }
}
