package dev.annals.bench;

import dev.annals.postgres.AppendStats;
import dev.annals.postgres.PostgresEventStore;
import java.util.Locale;

/**
 * Where the engine's append time went during a timed run, from its write-side counters
 * ({@link AppendStats}) before and after: events per COMMIT (how well concurrent appends were grouped),
 * then per group the first round trip (BEGIN, waiting for the head row's lock, reading the group's ids
 * and stream versions) and its share of the group's time, the work in this process between the round
 * trips (deciding every write, the hash chain, encoding the rows), and the second round trip (the
 * insert statement and COMMIT with its WAL flush); and how busy the writer threads were over the run.
 * The head lock makes groups commit one at a time, so when the writers are busy all along, the time
 * between COMMITs is what one group holds the lock for.
 *
 * @param groups transactions (one COMMIT each) the writers made
 * @param events events they held
 * @param lockWaitNanos the first round trip, head lock wait included
 * @param statementNanos in this process between the round trips
 * @param commitNanos the second round trip: insert and COMMIT (and a one-round-trip group's round trip)
 * @param oneTripGroups groups written in one round trip (decided in advance, checked under the lock)
 * @param refusedOneTrips one-round-trip groups the database refused (then written in two round trips)
 */
record PgAppendBreakdown(long groups, long events, long lockWaitNanos, long statementNanos, long commitNanos,
    long oneTripGroups, long refusedOneTrips) {

  /** The engine's counters now (totals since it opened). */
  static PgAppendBreakdown of(PostgresEventStore store) {
    AppendStats s = store.appendStats();
    return new PgAppendBreakdown(s.groups(), s.events(), s.lockWait().toNanos(), s.statements().toNanos(),
        s.commit().toNanos(), s.oneTripGroups(), s.refusedOneTrips());
  }

  /** What happened between {@code before} and this. */
  PgAppendBreakdown since(PgAppendBreakdown before) {
    return new PgAppendBreakdown(groups - before.groups, events - before.events, lockWaitNanos - before.lockWaitNanos,
        statementNanos - before.statementNanos, commitNanos - before.commitNanos, oneTripGroups - before.oneTripGroups,
        refusedOneTrips - before.refusedOneTrips);
  }

  /** "where the time goes: ..." over a run of {@code seconds}. */
  String text(double seconds) {
    long g = Math.max(1, groups);
    double groupNanos = Math.max(1, lockWaitNanos + statementNanos + commitNanos);
    return String.format(Locale.ROOT,
        "where the time goes: %d groups (%d in one round trip, %d refused and redone in two), %.1f events/commit,"
            + " a COMMIT every %.2f ms; per group %.2f ms head lock + lookup (%.0f%% of the"
            + " group time), %.2f ms deciding and encoding, %.2f ms insert + COMMIT; writers busy %.0f%% of the run"
            + " (summed over writer threads)",
        groups, oneTripGroups, refusedOneTrips, events / (double) g, seconds * 1e3 / g, lockWaitNanos / 1e6 / g, 100 * lockWaitNanos / groupNanos, statementNanos / 1e6 / g,
        commitNanos / 1e6 / g, 100 * groupNanos / 1e9 / seconds);
  }
}
