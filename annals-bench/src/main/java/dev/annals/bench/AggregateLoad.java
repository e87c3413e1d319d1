package dev.annals.bench;

import dev.annals.core.InMemoryEventStore;
import dev.annals.cqrs.CommandHandler;
import dev.annals.cqrs.LoadedState;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code aggregate-load-10000}: the command side loading the state of a stream of 10,000 events,
 * without a snapshot (read in pages, decode, fold every event) and with one (snapshot at version
 * 9,950 plus the 50 events after it). Baseline: a plain loop folding the same 10,000 events already
 * decoded in memory. In-memory store for now.
 */
final class AggregateLoad implements Workload {

  static final int EVENTS = 10_000;
  static final int SNAPSHOT_AT = 9_950;

  @Override
  public String name() {
    return "aggregate-load-10000";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) {
    int slowRuns = env.size(40, 10);
    int fastRuns = env.size(2_000, 300);
    String sizes = env.quick() ? "quick: fewer repetitions; " : "";
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      String stream = "ledger-1";
      List<Ledger.LedgerEvent> events = Ledger.write(store, Ledger.codec(), stream, EVENTS, 100);
      var plain = new CommandHandler<>(store, Ledger.DECIDER, Ledger.codec());
      var snapshots = new SnapshotStore<>(store, Ledger.stateCodec(), SnapshotPolicy.never());
      Ledger.Balance at = new Ledger.Balance(0, 0);
      for (int i = 0; i < SNAPSHOT_AT; i++) {
        at = Ledger.evolve(at, events.get(i));
      }
      snapshots.save(stream, at, SNAPSHOT_AT,
          store.readStream(stream, SNAPSHOT_AT, dev.annals.core.Direction.FORWARD, 1).events().get(0).recordedAt());
      var withSnapshot = new CommandHandler<>(store, Ledger.DECIDER, Ledger.codec(), Optional.of(snapshots),
          CommandHandler.Options.defaults(), Clock.systemUTC());

      env.progress("loading without a snapshot, " + slowRuns + " times");
      Latencies noSnapCpu = new Latencies();
      Latencies noSnap = measure(slowRuns, () -> check(plain.load(stream), false), noSnapCpu);
      env.progress("loading with a snapshot, " + fastRuns + " times");
      Latencies snapCpu = new Latencies();
      Latencies snap = measure(fastRuns, () -> check(withSnapshot.load(stream), true), snapCpu);
      Latencies base = measure(fastRuns, () -> {
        Ledger.Balance s = new Ledger.Balance(0, 0);
        for (Ledger.LedgerEvent e : events) {
          s = Ledger.evolve(s, e);
        }
        if (s.entries() != EVENTS) {
          throw new IllegalStateException("baseline folded " + s.entries());
        }
      });
      double baseEps = EVENTS / (base.percentileUs(50) / 1e6);
      String baseline = "heap-fold-decoded";
      List<BenchResult> rows = new ArrayList<>();
      rows.add(new BenchResult(name(), "in-memory, no snapshot", EVENTS / (noSnap.percentileUs(50) / 1e6),
          noSnap.percentileUs(50), noSnap.percentileUs(99), baseline, baseEps,
          sizes + "p50 of " + slowRuns + " loads of " + EVENTS + " events (read in pages, decode, fold), "
              + cpu(noSnapCpu) + "; events/s = "
              + "events covered per load / p50; baseline: loop folding the same events already decoded in memory"));
      rows.add(new BenchResult(name(), "in-memory + snapshot", EVENTS / (snap.percentileUs(50) / 1e6),
          snap.percentileUs(50), snap.percentileUs(99), baseline, baseEps,
          sizes + "p50 of " + fastRuns + " loads: snapshot at " + SNAPSHOT_AT + " + " + (EVENTS - SNAPSHOT_AT)
              + " events, " + cpu(snapCpu) + "; events/s = events covered per load / p50"));
      return rows;
    }
  }

  private static void check(LoadedState<Ledger.Balance> loaded, boolean expectSnapshot) {
    if (loaded.version() != EVENTS || loaded.state().entries() != EVENTS
        || loaded.snapshot().isPresent() != expectSnapshot) {
      throw new IllegalStateException("wrong load: " + loaded.version() + " " + loaded.state());
    }
  }

  static Latencies measure(int runs, Runnable r) {
    return measure(runs, r, new Latencies());
  }

  /** Wall-clock latencies; {@code cpu} gets the measuring thread's CPU time per run (the machine may be shared). */
  static Latencies measure(int runs, Runnable r, Latencies cpu) {
    for (int i = 0; i < Math.max(3, runs / 10); i++) {
      r.run(); // warm-up
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Latencies lat = new Latencies();
    for (int i = 0; i < runs; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      r.run();
      lat.record(System.nanoTime() - t0);
      cpu.record(mx.getCurrentThreadCpuTime() - c0);
    }
    return lat;
  }

  static String cpu(Latencies cpu) {
    return String.format(java.util.Locale.ROOT, "thread CPU p50 %.0f us", cpu.percentileUs(50));
  }
}
