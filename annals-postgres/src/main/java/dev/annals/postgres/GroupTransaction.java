package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.Idempotency;
import dev.annals.core.ImportEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One group's transaction on one connection. {@link #write} sends it in one round trip when the
 * {@link ExpectedHead} can decide it ({@link OneTripGroup}); else, and when the database refuses that,
 * {@link #run} writes it in two round trips whatever the group's size:
 * <ol>
 *   <li>BEGIN; lock the head row ({@code SELECT ... FROM annals_head FOR UPDATE}); then read the
 *       database's clock, the versions of the group's streams and (only when a first run found one of them
 *       written) the written events carrying the group's ids;
 *   <li>(the {@link Stager} decides every write in memory) one statement inserting every event row,
 *       upserting the streams, moving the head and {@code pg_notify}ing the new head position; COMMIT.
 *       A group that wrote nothing (retries and refusals only) sends ROLLBACK instead.
 * </ol>
 * The head lock is held from the first statement to COMMIT, so groups of every process sharing the
 * database commit one after another, in position order: positions are gap-free and a reader never sees
 * a later position before an earlier one.
 *
 * <p>Writer thread only (not thread-safe).
 */
final class GroupTransaction {

  /**
   * Where the transaction failed: before the insert-and-COMMIT round trip was sent (nothing was written),
   * or during or after it (unknown when the connection was lost; nothing written when the server
   * reported an error, which aborts the transaction before its COMMIT runs).
   */
  enum Phase {
    BEFORE_COMMIT,
    COMMIT,
    /**
     * The one-round-trip call ({@link OneTripGroup}, which commits) was in flight: unknown when the
     * connection was lost, but the group run again the two-round-trip way answers it rightly either way.
     * That run reads under the head lock, which the call takes first: it finds the call's events if it
     * committed (and answers them as written), or else decides the group exactly as the call would have,
     * and writes it, which makes a call still arriving late find the head moved and write nothing.
     */
    ONE_TRIP
  }

  /** A failed group transaction. */
  static final class Failed extends Exception {
    final Phase phase;
    final SQLException cause;

    Failed(Phase phase, SQLException cause) {
      super(cause);
      this.phase = phase;
      this.cause = cause;
    }
  }

  /**
   * A committed group: one answer per write, in order, and the log's head after it (unchanged when the
   * group wrote nothing).
   */
  record Done(List<Stager.Answer> answers, long head, boolean wrote) {}

  /** Test seam: runs just before and just after COMMIT, on the group's connection. */
  interface Faults {
    Faults NONE = new Faults() { };

    default void beforeCommit(Connection c) throws SQLException { }

    default void afterCommit(Connection c) throws SQLException { }
  }

  /**
   * Round trip 1: the schema's {@code annals_lock_group} (schema-3.sql) takes the head lock, then reads the
   * clock (exact microseconds: extract gives a numeric), the group's streams' versions and the written
   * events carrying the ids given, in snapshots taken after the lock was granted. The clock is read there,
   * once the lock is held, never while waiting for it: a group must not be stamped earlier than a reader
   * that went before it could see.
   */
  private static final String LOCK_AND_READ = "SELECT * FROM annals_lock_group(?::text[], ?::uuid[])";

  /** A timestamptz from microseconds since the epoch, exact over years 1..9999 (no float rounding). */
  private static String micros(String column) {
    return "(timestamptz 'epoch' + (" + column + " / 1000000) * interval '1 second' + (" + column
        + " % 1000000) * interval '1 microsecond')";
  }

  private static final String WRITE = "WITH ev AS ("
      + " INSERT INTO annals_events (position, stream, version, event_id, type, recorded_at, effective_at,"
      + " effective_nanos, batch_size, index_in_batch, imported, data, data_digest, metadata, chain)"
      + " SELECT p, s, v, i, t, " + micros("r") + ", " + micros("e") + ", n, bs, ib, im, d, dd, m, c"
      + " FROM unnest(?::int8[], ?::text[], ?::int8[], ?::uuid[], ?::text[], ?::int8[], ?::int8[], ?::int4[],"
      + " ?::int4[], ?::int4[], ?::bool[], ?::bytea[], ?::bytea[], ?::bytea[], ?::bytea[])"
      + " AS u(p, s, v, i, t, r, e, n, bs, ib, im, d, dd, m, c)"
      + "), st AS ("
      + " INSERT INTO annals_streams (stream, version, last_position, last_recorded_at)"
      + " SELECT s, v, p, " + micros("r") + " FROM unnest(?::text[], ?::int8[], ?::int8[], ?::int8[]) AS u(s, v, p, r)"
      + " ON CONFLICT (stream) DO UPDATE SET version = excluded.version, last_position = excluded.last_position,"
      + " last_recorded_at = excluded.last_recorded_at"
      + "), hd AS ("
      + " UPDATE annals_head SET position = ?, recorded_at = ?, chain = ?"
      + ") SELECT pg_notify(?, ?)";

  private final Database db;
  private final Optional<Clock> clock;
  private final AppendMetrics metrics;
  private final Faults faults;
  private final ExpectedHead expected;
  private final OneTripGroup oneTrip;
  private final ChainHash hash = new ChainHash();

  GroupTransaction(Database db, Optional<Clock> clock, AppendMetrics metrics, Faults faults, ExpectedHead expected) {
    this.db = db;
    this.clock = clock;
    this.metrics = metrics;
    this.faults = faults;
    this.expected = expected;
    this.oneTrip = new OneTripGroup(db);
  }

  /**
   * Writes {@code group} on {@code c} (in auto-commit mode): in one round trip when it can be decided
   * against the {@link ExpectedHead} and the database confirms every expectation, else as {@link #run}.
   */
  Done write(Connection c, List<PendingWrite> group) throws Failed {
    Optional<ExpectedHead.Plan> plan = clock.isPresent() || faults != Faults.NONE
        ? Optional.empty() : expected.plan(group);
    if (plan.isPresent()) {
      long t0 = System.nanoTime();
      Optional<Long> committed;
      try {
        committed = oneTrip.write(c, plan.get());
      } catch (SQLException e) {
        expected.refused(plan.get());
        metrics.failed();
        throw new Failed(Phase.ONE_TRIP, e);
      }
      long t1 = System.nanoTime();
      if (committed.isPresent()) {
        expected.committed(committed.get(), t1);
        Stager stager = plan.get().stager();
        metrics.oneTrip(group.size(), stager.rows().size(), t1 - t0);
        return new Done(plan.get().answers(), stager.head().position(), true);
      }
      expected.refused(plan.get());
      metrics.refusedOneTrip(t1 - t0);
    }
    return run(c, group);
  }

  /**
   * Runs {@code group}'s transaction on {@code c} (in auto-commit mode on entry and on return). It first
   * expects none of the group's event ids to be written, as the one-round-trip way does, and does not
   * look them up under the lock (that lookup was most of the first round trip's work): an id that is
   * written makes the insert fail on the unique index, nothing is written, and the group runs again,
   * looking its ids up (a retried append is answered its original result that way). A group in which a
   * write would be refused runs again the same way, since the refusal may be wrong without the ids.
   *
   * @return one answer per write, in order, to be given to the callers only now, after COMMIT
   * @throws Failed the database failed; see {@link Phase} for what is known to be written
   */
  Done run(Connection c, List<PendingWrite> group) throws Failed {
    Optional<Done> done = run(c, group, false);
    if (done.isPresent()) {
      return done.get();
    }
    return run(c, group, true).orElseThrow(); // only a run not looking ids up can find one written
  }

  /** The group's run; empty when, not looking ids up, it found one written (the unique index): nothing written. */
  private Optional<Done> run(Connection c, List<PendingWrite> group, boolean lookUpIds) throws Failed {
    Phase phase = Phase.BEFORE_COMMIT;
    expected.forget(); // groups planned meanwhile would expect the head this one is about to move
    boolean learned = false;
    try {
      c.setAutoCommit(false);
      try {
        long t0 = System.nanoTime();
        Stager stager = lockAndRead(c, group, lookUpIds);
        long t1 = System.nanoTime();
        List<Stager.Answer> answers = new ArrayList<>(group.size());
        for (PendingWrite w : group) {
          answers.add(stager.stage(w));
        }
        if (!lookUpIds && answers.stream().anyMatch(a -> a instanceof Stager.Refused)) {
          c.rollback(); // a refusal may be wrong without the ids (a retry of a written append is answered, not refused)
          return Optional.empty();
        }
        boolean writes = !stager.rows().isEmpty();
        PreparedStatement write = writes ? prepareWrite(c, stager) : null;
        if (writes) {
          expected.sending(stager.head());
        }
        long t2 = System.nanoTime();
        faults.beforeCommit(c);
        phase = Phase.COMMIT;
        if (write != null) {
          try (PreparedStatement w = write) {
            w.execute(); // the insert statement, then COMMIT, in one round trip
          } catch (SQLException e) {
            if (!lookUpIds && "23505".equals(e.getSQLState())) {
              c.rollback(); // the server reported it: the transaction is aborted, nothing was written
              return Optional.empty();
            }
            throw e;
          }
        } else {
          c.rollback(); // a row lock and reads only: nothing to flush
        }
        faults.afterCommit(c);
        long t3 = System.nanoTime();
        expected.learned(stager.found(), stager.head(), stager.versionsAfter(), stager.nowMicros(), t1);
        learned = true;
        metrics.group(group.size(), stager.rows().size(), t1 - t0, t2 - t1, t3 - t2);
        return Optional.of(new Done(answers, stager.head().position(), writes));
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          e.addSuppressed(ignored);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // a broken connection: the pool drops it
        }
      }
    } catch (SQLException e) {
      metrics.failed();
      throw new Failed(phase, e);
    } finally {
      if (!learned) {
        expected.unread();
      }
    }
  }

  /**
   * Round trip 1 (the driver sends BEGIN with it): {@link #LOCK_AND_READ} locks the head row, then reads the
   * clock, the group's streams' versions and, when {@code lookUpIds}, the written events carrying its ids
   * (else none are looked up, and the group is decided as if none were written).
   */
  private Stager lockAndRead(Connection c, List<PendingWrite> group, boolean lookUpIds) throws SQLException {
    Set<String> streams = new LinkedHashSet<>();
    List<UUID> ids = new ArrayList<>();
    for (PendingWrite w : group) {
      switch (w) {
        case PendingWrite.Append a -> {
          streams.add(a.stream());
          ids.addAll(a.ids());
        }
        case PendingWrite.Import im -> {
          for (ImportEvent ie : im.events()) {
            streams.add(ie.stream());
            ids.add(ie.event().id());
          }
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(LOCK_AND_READ)) {
      s.setArray(1, c.createArrayOf("text", streams.toArray(new String[0])));
      s.setArray(2, c.createArrayOf("uuid", lookUpIds ? ids.toArray(new UUID[0]) : new UUID[0]));
      Stager.Head head = null;
      long floor = 0;
      long now = Long.MIN_VALUE;
      Map<String, Long> versions = new HashMap<>();
      Map<UUID, Idempotency.Written> byId = new HashMap<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          switch (r.getInt(1)) {
            case 0 -> {
              long position = r.getLong(4);
              head = new Stager.Head(position, position == 0 ? Long.MIN_VALUE : r.getLong(6), r.getBytes(10));
              floor = r.getLong(11);
              now = r.getLong(12);
            }
            case 1 -> versions.put(r.getString(2), r.getLong(3));
            default -> {
              UUID id = r.getObject(5, UUID.class);
              boolean imported = r.getBoolean(9);
              byId.put(id, new Idempotency.Written(id, r.getString(2), r.getLong(3), r.getLong(4),
                  Stager.instant(r.getLong(6)), imported ? 0 : r.getInt(7), imported ? 1 : r.getInt(8)));
            }
          }
        }
      }
      if (head == null) {
        throw new SQLException("the store's head row is missing (schema '" + db.schema() + "' is damaged)", "XX001");
      }
      // never below an instant positionAt has answered "the next position" for (schema-2.sql, stamp_floor)
      return new Stager(hash, head, Math.max(now, floor), clock, new Stager.Known(versions, byId));
    }
  }

  /**
   * Round trip 2, prepared: one statement inserting every row, upserting the streams, moving the head and
   * notifying the new head position, then COMMIT. A group of appends stamped by the database's clock (so
   * all alike) is written by the schema's {@code annals_append_group}, the statement of the
   * one-round-trip way (its checks hold: this transaction holds the head it read, and the clock reading);
   * one holding an import, whose events carry their own times, or stamped by a test clock, by
   * {@link #WRITE}.
   */
  private PreparedStatement prepareWrite(Connection c, Stager stager) throws SQLException {
    long stamp = stager.rows().getFirst().recordedMicros();
    if (clock.isEmpty() && stager.rows().stream().allMatch(r -> !r.imported() && r.recordedMicros() == stamp)) {
      PreparedStatement s = c.prepareStatement(OneTripGroup.CALL + "; COMMIT");
      try {
        OneTripGroup.bind(c, s, stager.found(), stager, db.channel());
        return s;
      } catch (SQLException | RuntimeException e) {
        s.close();
        throw e;
      }
    }
    RowArrays rows = RowArrays.of(stager);
    Stager.Head head = stager.head();
    PreparedStatement s = c.prepareStatement(WRITE + "; COMMIT");
    try {
      int p = rows.bindEvents(c, s, 1);
      p = rows.bindStreamNames(c, s, p);
      p = rows.bindStreamHeads(c, s, p);
      s.setLong(p++, head.position());
      s.setLong(p++, head.micros());
      s.setBytes(p++, head.chain());
      s.setString(p++, db.channel());
      s.setString(p, Long.toString(head.position()));
      return s;
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }
}
