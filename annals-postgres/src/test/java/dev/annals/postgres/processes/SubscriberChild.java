package dev.annals.postgres.processes;

import dev.annals.core.ChainHash;
import dev.annals.core.Filter;
import dev.annals.core.Subscription;
import dev.annals.postgres.PostgresEventStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM that subscribes to a PostgreSQL store's whole log from position 1 and records every event it
 * receives in its {@link Journal}, until it is killed. When the subscription stops by itself, it records
 * why ({@code FAILED 0 kind}) and exits.
 *
 * <p>Arguments: {@code URL JOURNAL}.
 */
public final class SubscriberChild {

  private SubscriberChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Journal journal = Journal.create(Path.of(args[1]));
    PostgresEventStore store;
    while (true) {
      try {
        store = PostgresEventStore.open(url);
        break;
      } catch (RuntimeException e) {
        journal.openFailed(AppenderChild.kind(e));
        Thread.sleep(100);
      }
    }
    journal.ready();
    Subscription sub = store.subscribeToAll(1, Filter.everything(),
        e -> journal.delivered(e.position(), e.stream(), e.version(), e.id(), ChainHash.micros(e.recordedAt())));
    while (!sub.awaitStop(Duration.ofSeconds(1))) {
      // runs until killed
    }
    Throwable why = sub.failure().orElse(null);
    journal.failed(0, why instanceof RuntimeException r ? AppenderChild.kind(r) : "stopped:" + why);
    if (why != null) {
      why.printStackTrace();
    }
    System.exit(1);
  }
}
