package dev.annals.postgres;

import java.time.Duration;

/**
 * Where a store's append time went so far, for benchmarks and operators. A group transaction makes two
 * round trips: the first takes the head lock and reads the group's ids and stream versions, the second
 * inserts the rows and commits. A snapshot of totals over every writer thread; they only grow.
 *
 * @param groups group transactions committed
 * @param writes appends and imports answered by them (retries and refusals included)
 * @param events events they inserted
 * @param failedGroups group transactions that failed (database unreachable, outcome unknown)
 * @param lockWait the first round trip: BEGIN, waiting for the head lock (held by the group committing
 *     before, of this process or another), and the lookup of ids and stream versions
 * @param statements in this process, between the round trips: deciding every write of the group
 *     (idempotency, expected versions, recordedAt, the hash chain) and encoding the rows
 * @param commit the second round trip: the one insert statement (rows, streams, head, notification)
 *     and COMMIT with its WAL flush
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
