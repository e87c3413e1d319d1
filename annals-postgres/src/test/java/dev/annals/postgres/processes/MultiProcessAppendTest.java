package dev.annals.postgres.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.TestPostgres;
import dev.annals.postgres.processes.Journal.Delivered;
import dev.annals.postgres.processes.Journal.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three child JVMs append at once to one new database (all opening it at the same moment, so they also
 * race to create its schema) while a fourth subscribes from position 1: single events and batches, on
 * shared streams (with {@code any} and with exact versions, so appends of different processes conflict)
 * and on each thread's own stream. Every acknowledged append must be stored once, whole, where it was
 * acknowledged; every refused one not at all; positions and versions gap-free, {@code recordedAt} never
 * decreasing, the chain whole; and the subscriber must have seen every event in order, once.
 *
 * <p>How long the children append: {@code -Dannals.pg.multiprocess.millis} (default 8000); threads per
 * child: {@code -Dannals.pg.multiprocess.threads} (default 4).
 */
@ExtendWith(TestPostgres.class)
class MultiProcessAppendTest {

  static final long MILLIS = Long.getLong("annals.pg.multiprocess.millis", 8000);
  static final int THREADS = Integer.getInteger("annals.pg.multiprocess.threads", 4);
  /** The store's schema: the default one, as {@code PostgresEventStore.open(url)} uses. */
  static final String SCHEMA = "annals";

  @Test
  void appends_of_three_processes_are_each_stored_once_where_acknowledged_and_a_fourth_sees_all_in_order(
      LocalPostgres pg) throws Exception {
    String db = pg.createDatabase();
    String url = pg.url(db).toString();
    try (Children children = Children.inNewDirectory("multiprocess")) {
      Path dir = children.dir();
      Path events = dir.resolve("subscriber.events");
      Process subscriber = children.start("subscriber", SubscriberChild.class, url, events.toString());
      List<Process> appenders = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        appenders.add(children.appender(url, name, THREADS, MILLIS));
      }
      for (Process p : appenders) {
        assertThat(p.waitFor(MILLIS + 120_000, TimeUnit.MILLISECONDS)).as("appender finished (see %s)", dir).isTrue();
        assertThat(p.exitValue()).as("appender exit code (see %s)", dir).isZero();
      }
      StoredLog log = StoredLog.read(pg.jdbcUrl(db), SCHEMA);
      List<Entry> seen = awaitDelivered(events, log.headPosition(), subscriber);

      Findings findings = LogAudit.check(log);
      AppendAudit.Result appends = AppendAudit.check(log, children.journals());
      findings.addAll(appends.findings());
      findings.addAll(DeliveryAudit.check(log, seen));
      AppendAudit.Stats stats = appends.stats();
      System.out.printf("multi-process: %d events, %s%n", log.events().size(), stats);
      assertThat(findings.isEmpty()).as("rules broken (run in %s):%n%s", dir, findings).isTrue();

      assertThat(stats.appenders()).isEqualTo(3);
      assertThat(stats.failureKinds()).as("failures of appends or opens (see %s)", dir).isEmpty();
      assertThat(stats.unanswered()).as("appends without an answer").isZero();
      assertThat(stats.ownStreamRefusals()).as("refusals on a stream only one thread writes").isZero();
      assertThat(stats.acks()).as("acknowledged appends").isGreaterThan(100);
      assertThat(stats.ackedBatches()).as("acknowledged appends of several events").isGreaterThan(10);
      assertThat(stats.crossProcessRefusals()).as("appends refused for another process's write").isPositive();
      children.deleteDirectory();
    }
  }

  /** The subscriber's journal once it has recorded {@code head} (or after a minute, or once it stopped). */
  static List<Entry> awaitDelivered(Path events, long head, Process subscriber) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<Entry> seen = Journal.read(events);
      boolean done = !seen.isEmpty() && seen.get(seen.size() - 1) instanceof Delivered d && d.position() >= head;
      if (done || !subscriber.isAlive() || System.nanoTime() - deadline > 0) {
        return seen;
      }
      Thread.sleep(100);
    }
  }
}
