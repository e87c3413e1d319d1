package dev.annals.postgres.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.LocalPostgres.StopMode;
import dev.annals.postgres.TestPostgres;
import dev.annals.postgres.processes.Journal.Ack;
import dev.annals.postgres.processes.Journal.Entry;
import dev.annals.postgres.processes.Journal.Failed;
import dev.annals.postgres.processes.Journal.Ready;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crashes under load, of both kinds a shared store meets: appending child JVMs are SIGKILLed at random
 * moments (and started again, under new names), and PostgreSQL itself is stopped with
 * {@code pg_ctl stop -m immediate} (as a crash would) and started again, while a steady child appends
 * throughout without reopening its store and a subscriber follows the log from position 1. Afterwards
 * nothing acknowledged may be missing, no append may be partly visible, positions and versions must be
 * gap-free and the hash chain must verify; the only failures the children may have seen are the
 * unavailable error (and refusals of expected versions); the steady child must have appended again after
 * every restart; and the subscriber must have seen every event once, in order, through every outage.
 *
 * <p>Counts: {@code -Dannals.pg.crash.kills} (default 50), {@code -Dannals.pg.crash.stops} (default 5),
 * {@code -Dannals.pg.crash.children} killed in parallel (default 3), {@code -Dannals.pg.crash.seed}.
 */
@ExtendWith(TestPostgres.class)
class PostgresCrashTest {

  static final int KILLS = Integer.getInteger("annals.pg.crash.kills", 50);
  static final int STOPS = Integer.getInteger("annals.pg.crash.stops", 5);
  static final int CHILDREN = Integer.getInteger("annals.pg.crash.children", 3);
  static final int THREADS = 4;
  /** How long the steady child may take to append again after PostgreSQL is back. */
  static final long RECOVERY_SECONDS = 30;
  /**
   * The children's connect timeout: an append waits this long for PostgreSQL before it fails as unavailable.
   * Shorter than most outages here, so appends in flight fail rather than wait the outage out.
   */
  static final String CONNECT_TIMEOUT_MILLIS = "1000";

  private final Random rnd = new Random(Long.getLong("annals.pg.crash.seed", 19));
  private final AtomicInteger kills = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> trouble = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> readyMillis = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> cpuMillis = new ConcurrentLinkedQueue<>();

  @Test
  void killed_appenders_and_immediate_stops_lose_no_acknowledged_append_and_leave_none_partly_written(
      LocalPostgres shared) throws Exception {
    // A server of its own: immediate stops would cut the other tests' connections to the shared one.
    assertThat(shared.isRunning()).isTrue();
    long t0 = System.nanoTime();
    try (LocalPostgres pg = TestPostgres.startOwn(); Children children = Children.inNewDirectory("pgcrash")) {
      Path dir = children.dir();
      String db = pg.createDatabase();
      String url = pg.url(db).toString();
      // A first child that exits by itself creates the schema: the killed ones then open an existing store.
      Process first = children.appender(url, "first", THREADS, 1000, CONNECT_TIMEOUT_MILLIS);
      assertThat(first.waitFor(120, TimeUnit.SECONDS) && first.exitValue() == 0).as("first child (see %s)", dir)
          .isTrue();

      Process steady = children.appender(url, "steady", THREADS, 0, CONNECT_TIMEOUT_MILLIS);
      Path events = dir.resolve("subscriber.events");
      Process subscriber = children.start("subscriber", SubscriberChild.class, url, events.toString());
      List<Thread> killers = new ArrayList<>();
      for (int k = 0; k < CHILDREN; k++) {
        long seed = rnd.nextLong();
        String slot = "k" + k;
        killers.add(Thread.ofPlatform().name("killer-" + k).start(() -> killRepeatedly(children, url, slot, seed)));
      }
      List<String> unrecovered = new ArrayList<>();
      int stops = 0;
      long downMillis = 0;
      try {
        while (stops < STOPS) {
          Thread.sleep(1000 + rnd.nextInt(2000));
          long s0 = System.nanoTime();
          pg.stop(StopMode.IMMEDIATE);
          Thread.sleep(stops == 1 ? 2500 : 200 + rnd.nextInt(1500)); // one outage surely longer than the timeout
          pg.restart();
          long restartedAt = Files.size(children.journal("steady"));
          downMillis += (System.nanoTime() - s0) / 1_000_000;
          stops++;
          if (!awaitAck(children.journal("steady"), restartedAt, steady)) {
            unrecovered.add("stop " + stops + ": the steady child appended nothing within " + RECOVERY_SECONDS
                + " s of PostgreSQL's restart (alive: " + steady.isAlive() + ")");
            break; // it will not recover for the next stop either
          }
        }
      } finally {
        for (Thread t : killers) {
          t.join(TimeUnit.MINUTES.toMillis(5));
        }
        Children.kill(steady);
      }
      long runMillis = (System.nanoTime() - t0) / 1_000_000;

      StoredLog log = StoredLog.read(pg.jdbcUrl(db), MultiProcessAppendTest.SCHEMA);
      List<Entry> seen = MultiProcessAppendTest.awaitDelivered(events, log.headPosition(), subscriber);
      Findings findings = LogAudit.check(log);
      AppendAudit.Result appends = AppendAudit.check(log, children.journals());
      findings.addAll(appends.findings());
      findings.addAll(DeliveryAudit.check(log, seen));
      AppendAudit.Stats stats = appends.stats();
      LongSummaryStatistics ready = readyMillis.stream().mapToLong(Long::longValue).summaryStatistics();
      LongSummaryStatistics cpu = cpuMillis.stream().mapToLong(Long::longValue).summaryStatistics();
      System.out.printf("crash: %d kills (children ready after %.0f ms, killed after %.0f ms of CPU on average),"
          + " %d immediate stops (%d ms down), %d events, %d ms; %s%n", kills.get(), ready.getAverage(),
          cpu.getAverage(), stops, downMillis, log.events().size(), runMillis, stats);

      assertThat(findings.isEmpty()).as("rules broken (run in %s):%n%s", dir, findings).isTrue();
      assertThat(unrecovered).as("the store works again after PostgreSQL returns, without reopening (see %s)", dir)
          .isEmpty();
      assertThat(trouble).as("children started and killed as planned (see %s)", dir).isEmpty();
      assertThat(AppendAudit.unexpectedKinds(stats, Set.of("unavailable", AppenderChild.COMMIT_UNKNOWN,
          "open:unavailable")))
          .as("failures other than unavailable (children's output in %s)", dir).isEmpty();
      assertThat(kills.get()).isGreaterThanOrEqualTo(KILLS);
      assertThat(stops).isEqualTo(STOPS);
      assertThat(stats.failureKinds()).as("appends in flight when PostgreSQL stopped").containsKey("unavailable");
      long steadyUnavailable = Journal.read(children.journal("steady")).stream()
          .filter(e -> e instanceof Failed f && f.kind().equals("unavailable")).count();
      assertThat(steadyUnavailable).as("the steady child's appends that failed as unavailable (it appended again after"
          + " every restart)").isPositive();
      assertThat(stats.acks()).isGreaterThan(KILLS);
      children.deleteDirectory();
    }
  }

  /** Starts, SIGKILLs and starts again children named {@code SLOT-gN} until {@link #KILLS} kills in all. */
  private void killRepeatedly(Children children, String url, String slot, long seed) {
    Random r = new Random(seed);
    try {
      for (int gen = 0; kills.get() < KILLS; gen++) {
        String name = slot + "-g" + gen;
        long started = System.nanoTime();
        Process child = children.appender(url, name, THREADS, 0, CONNECT_TIMEOUT_MILLIS);
        if (r.nextInt(10) == 0) {
          Thread.sleep(50 + r.nextInt(400)); // likely while it opens the store
        } else {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!Journal.read(children.journal(name)).contains(new Ready()) && child.isAlive()
              && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
          }
          readyMillis.add((System.nanoTime() - started) / 1_000_000);
          Thread.sleep(r.nextInt(800));
        }
        if (!child.isAlive()) {
          trouble.add(name + " exited by itself with " + child.exitValue());
          return;
        }
        child.info().totalCpuDuration().ifPresent(t -> cpuMillis.add(t.toMillis()));
        if (!Children.kill(child)) {
          trouble.add(name + " survived SIGKILL");
          return;
        }
        kills.incrementAndGet();
      }
    } catch (InterruptedException e) {
      trouble.add(slot + " interrupted");
    }
  }

  /** Waits until the journal holds an acknowledgment past byte {@code offset}; false after the time allowed. */
  private static boolean awaitAck(Path journal, long offset, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
    while (System.nanoTime() - deadline < 0 && child.isAlive()) {
      if (Journal.readFrom(journal, offset).stream().anyMatch(Ack.class::isInstance)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}
