package dev.annals.postgres;

import java.time.Duration;

/**
 * Where a store's append time went so far, for benchmarks and operators: how many group transactions
 * ran, how many writes and events they carried, and the time spent waiting for the head lock (the
 * statement that takes it, which includes one round trip), in the other statements (the lookup of ids
 * and stream versions, the insert), and in COMMIT (the WAL flush). A snapshot; the totals only grow.
 *
 * @param groups group transactions committed
 * @param writes appends and imports answered by them (retries and refusals included)
 * @param events events they inserted
 * @param failedGroups group transactions that failed (database unreachable, outcome unknown)
 */
public record AppendStats(long groups, long writes, long events, long failedGroups, Duration lockWait,
    Duration statements, Duration commit) {

  /** Events per committed group, on average (0 when none). */
  public double eventsPerGroup() {
    return groups == 0 ? 0 : (double) events / groups;
  }

  @Override
  public String toString() {
    return String.format("%d groups (%.1f events each), %d writes, %d events, %d failed groups; lock wait %d ms,"
            + " statements %d ms, commit %d ms", groups, eventsPerGroup(), writes, events, failedGroups,
        lockWait.toMillis(), statements.toMillis(), commit.toMillis());
  }
}
