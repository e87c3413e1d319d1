package dev.annals.bench;

import dev.annals.postgres.AppendStats;
import dev.annals.postgres.PostgresEventStore;
import java.util.Locale;

/**
 * Where the engine's append time went during a timed run, from its write-side counters before and
 * after: events per COMMIT (how well concurrent appends were grouped), the share of the group time
 * spent waiting for the head row's lock (other processes, or a slow COMMIT ahead), the statements and
 * the COMMIT per group, and how busy the writer was over the run.
 *
 * @param groups transactions (one COMMIT each) the writer made
 * @param events events they held
 * @param lockWaitNanos time spent waiting for the head row's lock
 * @param statementNanos time in the group's statements (the inserts and the head update)
 * @param commitNanos time in COMMIT
 */
record PgAppendBreakdown(long groups, long events, long lockWaitNanos, long statementNanos, long commitNanos) {

  /** The engine's counters now (totals since it opened). */
  static PgAppendBreakdown of(PostgresEventStore store) {
    AppendStats s = store.appendStats();
    return new PgAppendBreakdown(s.groups(), s.events(), s.lockWait().toNanos(), s.statements().toNanos(),
        s.commit().toNanos());
  }

  /** What happened between {@code before} and this. */
  PgAppendBreakdown since(PgAppendBreakdown before) {
    return new PgAppendBreakdown(groups - before.groups, events - before.events, lockWaitNanos - before.lockWaitNanos,
        statementNanos - before.statementNanos, commitNanos - before.commitNanos);
  }

  /** "where the time goes: ..." over a run of {@code seconds}. */
  String text(double seconds) {
    long g = Math.max(1, groups);
    double groupNanos = Math.max(1, lockWaitNanos + statementNanos + commitNanos);
    return String.format(Locale.ROOT,
        "where the time goes: %d groups, %.1f events/commit, head-lock wait %.0f%% of the group time,"
            + " statements %.2f ms and COMMIT %.2f ms per group, writer busy %.0f%% of the run",
        groups, events / (double) g, 100 * lockWaitNanos / groupNanos, statementNanos / 1e6 / g, commitNanos / 1e6 / g,
        100 * groupNanos / 1e9 / seconds);
  }
}
