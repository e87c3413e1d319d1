package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a PostgreSQL store without changing it, as a data directory's verify checks a log: positions
 * gap-free from 1, each stream's versions gap-free, the append framing ({@code batch_size},
 * {@code index_in_batch}), {@code recorded_at} never decreasing, {@code data_digest} = SHA-256 of the data,
 * every chain link recomputed by the one definition ({@link ChainHash}, over the stored data digest, as
 * erasure will need) and equal to the stored one, the head row equal to the last event, and
 * {@code annals_streams} agreeing with the events. Reads one consistent state (a REPEATABLE READ
 * snapshot), so it runs beside live appenders. Reports; never repairs. One run per instance.
 */
public final class PostgresVerifier {

  /** Receives progress: rows checked so far, of about {@code total} (the head position when it began). */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> { };

    void onProgress(long done, long total);
  }

  static final int MAX_PROBLEMS = 1000;
  private static final int PROGRESS_EVERY = 10_000;

  private final Progress progress;
  private final ChainHash chain = new ChainHash();
  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private int droppedProblems;
  private byte[] previous = ChainHash.genesis();
  private long lastPosition;
  private long lastRecordedMicros = Long.MIN_VALUE;
  private long events;
  /** The batch being read: its size, and how many of its rows were seen (0: between batches). */
  private int batchSize;
  private int seen;
  private final Map<String, StreamState> streams = new HashMap<>();

  private static final class StreamState {
    long version;
    long lastPosition;
    Instant lastRecordedAt = Instant.EPOCH;
  }

  private PostgresVerifier(Progress progress) {
    this.progress = progress;
  }

  /** Verifies the store {@code options} name, over a connection of its own. */
  public static PostgresVerifyReport verify(PostgresOptions options, Progress progress) {
    try (Connection c = DirectConnection.open(options)) {
      return verify(c, progress);
    } catch (SQLException e) {
      throw new StoreUnavailableException("closing the connection to " + options.url() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies the store whose tables {@code c} sees (its search path). The connection is used for one
   * read-only transaction and given back in auto-commit; the caller closes it.
   */
  public static PostgresVerifyReport verify(Connection c, Progress progress) {
    try {
      if (!StoredRows.tablesExist(c)) {
        throw new StoreUnavailableException("the database holds no Annals store (no annals_events, annals_head or"
            + " annals_streams table); nothing was checked");
      }
      return new PostgresVerifier(progress).run(c);
    } catch (SQLException e) {
      throw new StoreUnavailableException("verifying the PostgreSQL store failed: " + e.getMessage(), e);
    }
  }

  private PostgresVerifyReport run(Connection c) throws SQLException {
    try {
      StoredRows.Head head = StoredRows.begin(c);
      long total = head == null ? 0 : head.position();
      StoredRows.forEach(c, row -> {
        check(row);
        if (events % PROGRESS_EVERY == 0) {
          progress.onProgress(events, total);
        }
      });
      if (seen != 0) {
        problem("position " + lastPosition + ": the store ends inside an append (" + seen + " of " + batchSize
            + " events)");
      }
      checkHead(head);
      checkStreams(c);
      progress.onProgress(events, Math.max(total, events));
    } finally {
      StoredRows.end(c);
    }
    if (droppedProblems > 0) {
      problems.add("... and " + droppedProblems + " more problems");
    }
    return new PostgresVerifyReport(events, lastPosition, ChainHash.hex(previous), problems, notes);
  }

  private void problem(String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    } else {
      droppedProblems++;
    }
  }

  private void check(StoredRows.Row row) {
    long p = row.position();
    String at = "position " + p + ": ";
    if (p != lastPosition + 1) {
      problem(p > lastPosition + 1
          ? "position " + (lastPosition + 1) + (p == lastPosition + 2 ? " is" : ".." + (p - 1) + " are")
              + " missing (the next row holds position " + p + ")"
          : at + "follows position " + lastPosition);
    }
    checkFraming(row, at);
    StreamState s = streams.computeIfAbsent(row.stream(), k -> new StreamState());
    if (row.version() != s.version + 1) {
      problem(at + "holds version " + row.version() + " of '" + row.stream() + "', expected " + (s.version + 1));
    }
    s.version = row.version();
    s.lastPosition = p;
    s.lastRecordedAt = row.recordedAt();
    long micros = StoredRows.micros(row.recordedAt());
    if (micros < lastRecordedMicros) {
      problem(at + "recorded_at is before the previous event's");
    }
    lastRecordedMicros = micros;
    if (!row.effectiveAtColumn().equals(row.effectiveAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS))
        || row.effectiveAt().getEpochSecond() != row.effectiveAtColumn().getEpochSecond()) {
      problem(at + "effective_at and effective_nanos disagree");
    }
    byte[] digest = row.dataDigest();
    if (!Arrays.equals(chain.dataDigest(row.data()), digest)) {
      problem(at + "data_digest is not the SHA-256 of the data (the data or its digest was changed)");
    }
    if (digest.length != ChainHash.BYTES) {
      problem(at + "data_digest is " + digest.length + " bytes, not " + ChainHash.BYTES);
      digest = chain.dataDigest(row.data());
    }
    byte[] computed = chain.next(previous, p, row.version(), row.id(), row.recordedAt(), row.effectiveAt(),
        row.batchSize(), row.indexInBatch(), row.imported(), row.stream(), row.type(), digest, row.data().length,
        row.metadata());
    if (!Arrays.equals(computed, row.chain())) {
      problem(at + "hash chain broken (the stored hash does not match the event and the previous hash)");
    }
    previous = row.chain().length == ChainHash.BYTES ? row.chain() : computed;
    lastPosition = p;
    events++;
  }

  private void checkFraming(StoredRows.Row row, String at) {
    int index = row.indexInBatch();
    int bs = row.batchSize();
    if (index == 0 && seen != 0) {
      problem(at + "an append starts before the previous one (of " + batchSize + " events) finished");
    } else if (index != seen || bs < 1 || index >= bs || (index > 0 && bs != batchSize)) {
      problem(at + "event " + index + " of an append of " + bs + " breaks its append's framing");
    }
    if (index == 0) {
      batchSize = bs;
    }
    seen = bs >= 1 && index + 1 >= bs ? 0 : index + 1;
  }

  private void checkHead(StoredRows.@Nullable Head head) {
    if (head == null) {
      problem("annals_head: the head row is missing");
      return;
    }
    if (head.position() != lastPosition) {
      problem("annals_head: says position " + head.position() + ", the last event is at " + lastPosition);
    }
    if (!Arrays.equals(head.chain(), previous)) {
      problem("annals_head: its chain hash differs from the last event's");
    }
    long last = lastPosition == 0 ? 0 : lastRecordedMicros;
    if (head.recordedAtMicros() != last) {
      problem("annals_head: its recorded_at differs from the last event's");
    }
  }

  private void checkStreams(Connection c) throws SQLException {
    Map<String, Boolean> listed = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(
            "SELECT stream, version, last_position, last_recorded_at FROM annals_streams ORDER BY stream");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        listed.put(name, true);
        StreamState actual = streams.get(name);
        String at = "annals_streams: '" + name + "' ";
        if (actual == null) {
          problem(at + "has no event");
          continue;
        }
        if (rs.getLong(2) != actual.version || rs.getLong(3) != actual.lastPosition) {
          problem(at + "says version " + rs.getLong(2) + " at position " + rs.getLong(3) + ", the events say version "
              + actual.version + " at position " + actual.lastPosition);
        }
        if (!rs.getObject(4, OffsetDateTime.class).toInstant().equals(actual.lastRecordedAt)) {
          problem(at + "has a last_recorded_at that differs from its last event's");
        }
      }
    }
    streams.keySet().stream().filter(n -> !listed.containsKey(n)).sorted().limit(20)
        .forEach(n -> problem("annals_streams: '" + n + "' is missing (its events are there)"));
  }
}
