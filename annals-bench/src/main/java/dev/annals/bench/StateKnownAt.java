package dev.annals.bench;

import dev.annals.core.Direction;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Limits;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.StateQueries;
import dev.annals.cqrs.snapshot.SnapshotPolicy;
import dev.annals.cqrs.snapshot.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code state-known-at-10000}: {@code stateKnownAt(T)} on a stream of 10,000 events (appends of 10,
 * one second apart, a snapshot every 100 events as {@code SnapshotPolicy.everyEvents(100)} would
 * take), with T in the middle of its history (after event 5,050). Also without snapshots. Baseline: a
 * plain loop folding the 5,050 known events already decoded in memory. In-memory store for now.
 */
final class StateKnownAt implements Workload {

  static final int EVENTS = 10_000;
  static final int KNOWN = 5_050;

  @Override
  public String name() {
    return "state-known-at-10000";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) {
    int fastRuns = env.size(2_000, 300);
    int slowRuns = env.size(40, 10);
    String sizes = env.quick() ? "quick: fewer repetitions; " : "";
    var clock = new Ledger.TickingClock(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(1));
    try (InMemoryEventStore store = new InMemoryEventStore(clock, Limits.defaults(), 1_000_000)) {
      String stream = "ledger-1";
      var snapshots = new SnapshotStore<>(store, Ledger.stateCodec(), SnapshotPolicy.everyEvents(100));
      var codec = Ledger.codec();
      List<Ledger.LedgerEvent> events = new ArrayList<>();
      Ledger.Balance state = new Ledger.Balance(0, 0);
      for (int written = 0; written < EVENTS; written += 100) {
        List<Ledger.LedgerEvent> chunk = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          chunk.addAll(Ledger.write(store, codec, stream, 10, 10));
        }
        for (Ledger.LedgerEvent e : chunk) {
          state = Ledger.evolve(state, e);
        }
        events.addAll(chunk);
        RecordedEvent last = store.readStream(stream, events.size(), Direction.FORWARD, 1).events().get(0);
        snapshots.save(stream, state, events.size(), last.recordedAt());
      }
      RecordedEvent known = store.readStream(stream, KNOWN, Direction.FORWARD, 1).events().get(0);
      RecordedEvent next = store.readStream(stream, KNOWN + 1, Direction.FORWARD, 1).events().get(0);
      if (!next.recordedAt().isAfter(known.recordedAt())) {
        throw new IllegalStateException("events " + KNOWN + " and " + (KNOWN + 1) + " share a recordedAt");
      }
      Instant t = known.recordedAt();
      var withSnapshots = new StateQueries<>(store, Ledger.codec(), Ledger.DECIDER.fold(), snapshots);
      var plain = new StateQueries<>(store, Ledger.codec(), Ledger.DECIDER.fold());

      env.progress("stateKnownAt(T) with snapshots, " + fastRuns + " times");
      Latencies snapCpu = new Latencies();
      Latencies snap = AggregateLoad.measure(fastRuns, () -> check(withSnapshots.stateKnownAt(stream, t)), snapCpu);
      env.progress("stateKnownAt(T) without snapshots, " + slowRuns + " times");
      Latencies fullCpu = new Latencies();
      Latencies full = AggregateLoad.measure(slowRuns, () -> check(plain.stateKnownAt(stream, t)), fullCpu);
      List<Ledger.LedgerEvent> knownEvents = events.subList(0, KNOWN);
      Latencies base = AggregateLoad.measure(fastRuns, () -> {
        Ledger.Balance s = new Ledger.Balance(0, 0);
        for (Ledger.LedgerEvent e : knownEvents) {
          s = Ledger.evolve(s, e);
        }
        check(s);
      });
      double baseEps = KNOWN / (base.percentileUs(50) / 1e6);
      String baseline = "heap-fold-decoded";
      return List.of(
          new BenchResult(name(), "in-memory + snapshots", KNOWN / (snap.percentileUs(50) / 1e6),
              snap.percentileUs(50), snap.percentileUs(99), baseline, baseEps,
              sizes + "p50 of " + fastRuns + " queries, T after event " + KNOWN + " of " + EVENTS
                  + "; time index + nearest snapshot (every 100 events) + tail, " + AggregateLoad.cpu(snapCpu) + "; events/s = events covered / p50"),
          new BenchResult(name(), "in-memory, no snapshot", KNOWN / (full.percentileUs(50) / 1e6),
              full.percentileUs(50), full.percentileUs(99), baseline, baseEps,
              sizes + "p50 of " + slowRuns + " queries; time index + fold of " + KNOWN + " events, " + AggregateLoad.cpu(fullCpu) + "; "
                  + "baseline: loop folding the " + KNOWN + " known events already decoded in memory"));
    }
  }

  private static void check(Ledger.Balance s) {
    if (s.entries() != KNOWN) {
      throw new IllegalStateException("known-at folded " + s.entries() + " events, expected " + KNOWN);
    }
  }
}
