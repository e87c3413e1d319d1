package dev.annals.postgres;

import java.time.Duration;

/**
 * Where a store's append time went so far, for benchmarks and operators. A group is written in one round
 * trip when this process could decide it in advance (the database checks the expectations under the
 * head lock), else in two: the first takes the head lock and reads the group's ids and stream versions,
 * the second inserts the rows and commits. A snapshot of totals over every writer thread; they only grow.
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
 *     and COMMIT with its WAL flush; and every one-round-trip group's round trip (head lock included)
 * @param oneTripGroups of the groups, those written in one round trip
 * @param refusedOneTrips one-round-trip groups the database refused (an expectation was wrong: another
 *     process wrote meanwhile, for one), written in two round trips after
 */
public record AppendStats(long groups, long writes, long events, long failedGroups, Duration lockWait,
    Duration statements, Duration commit, long oneTripGroups, long refusedOneTrips) {

  /** Events per committed group, on average (0 when none). */
  public double eventsPerGroup() {
    return groups == 0 ? 0 : (double) events / groups;
  }

  @Override
  public String toString() {
    return String.format("%d groups (%.1f events each), %d writes, %d events, %d failed groups; lock wait %d ms,"
            + " statements %d ms, commit %d ms; %d groups in one round trip, %d refused", groups, eventsPerGroup(), writes,
        events, failedGroups, lockWait.toMillis(), statements.toMillis(), commit.toMillis(), oneTripGroups,
        refusedOneTrips);
  }
}
