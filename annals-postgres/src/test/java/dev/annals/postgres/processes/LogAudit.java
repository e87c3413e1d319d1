package dev.annals.postgres.processes;

import dev.annals.core.ChainHash;
import dev.annals.postgres.processes.StoredLog.Row;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules a store's rows keep on their own, whatever wrote them: positions gap-free from 1 to the head,
 * each stream's versions gap-free from 1 and matching the streams table, {@code recordedAt} never
 * decreasing along positions, every append whole (its {@code batch_size} rows contiguous, in one stream,
 * at consecutive versions, with one {@code recordedAt}), ids unique, and the hash chain recomputed from
 * the rows with {@link ChainHash} matching every row's and the head's.
 */
final class LogAudit {

  private LogAudit() {}

  static Findings check(StoredLog log) {
    Findings f = new Findings();
    List<Row> rows = log.events();
    positions(rows, log.headPosition(), f);
    long lastRecorded = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).recordedAtMicros();
    if (log.headRecordedAtMicros() != lastRecorded) {
      f.add("head is the last position", "head row's recorded_at " + log.headRecordedAtMicros()
          + " is not the last event's " + lastRecorded);
    }
    versions(rows, log.streamVersions(), f);
    recordedAt(rows, f);
    batches(rows, f);
    chain(rows, log.headChain(), f);
    return f;
  }

  private static void positions(List<Row> rows, long head, Findings f) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).position() != i + 1) {
        f.add("positions gap-free from 1", "the row after position " + (i == 0 ? 0 : rows.get(i - 1).position())
            + " is at " + rows.get(i).position());
        break;
      }
    }
    long last = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).position();
    if (head != last) {
      f.add("head is the last position", "head row says " + head + ", last event is at " + last);
    }
    Set<UUID> ids = new HashSet<>();
    for (Row r : rows) {
      if (!ids.add(r.id())) {
        f.add("event ids unique", r.id() + " again at position " + r.position());
      }
    }
  }

  private static void versions(List<Row> rows, Map<String, Long> streamsTable, Findings f) {
    Map<String, Long> last = new HashMap<>();
    for (Row r : rows) {
      long before = last.getOrDefault(r.stream(), 0L);
      if (r.version() != before + 1) {
        f.add("stream versions gap-free from 1", r.stream() + " goes from version " + before + " to " + r.version()
            + " at position " + r.position());
      }
      last.put(r.stream(), r.version());
    }
    if (!last.equals(streamsTable)) {
      for (var e : last.entrySet()) {
        if (!e.getValue().equals(streamsTable.get(e.getKey()))) {
          f.add("streams table matches the events", e.getKey() + " is at version " + e.getValue()
              + " in the events, " + streamsTable.get(e.getKey()) + " in the streams table");
        }
      }
      for (String s : streamsTable.keySet()) {
        if (!last.containsKey(s)) {
          f.add("streams table matches the events", s + " is in the streams table without events");
        }
      }
    }
  }

  private static void recordedAt(List<Row> rows, Findings f) {
    for (int i = 1; i < rows.size(); i++) {
      if (rows.get(i).recordedAtMicros() < rows.get(i - 1).recordedAtMicros()) {
        f.add("recordedAt never decreases along positions", "position " + rows.get(i).position() + " recorded "
            + (rows.get(i - 1).recordedAtMicros() - rows.get(i).recordedAtMicros()) + " us before the one before it");
      }
    }
  }

  private static void batches(List<Row> rows, Findings f) {
    int i = 0;
    while (i < rows.size()) {
      Row first = rows.get(i);
      int size = first.batchSize();
      if (first.indexInBatch() != 0 || size < 1 || i + size > rows.size()) {
        f.add("appends whole and contiguous", "position " + first.position() + " is event " + first.indexInBatch()
            + " of an append of " + size + " where an append should start");
        i++;
        continue;
      }
      for (int k = 1; k < size; k++) {
        Row r = rows.get(i + k);
        if (r.indexInBatch() != k || r.batchSize() != size || !r.stream().equals(first.stream())
            || r.version() != first.version() + k || r.recordedAtMicros() != first.recordedAtMicros()) {
          f.add("appends whole and contiguous", "position " + r.position() + " (event " + r.indexInBatch() + " of "
              + r.batchSize() + " in " + r.stream() + ") does not continue the append starting at " + first.position());
          break;
        }
      }
      i += size;
    }
  }

  private static void chain(List<Row> rows, byte[] headChain, Findings f) {
    ChainHash hash = new ChainHash();
    byte[] previous = ChainHash.genesis();
    for (Row r : rows) {
      byte[] digest = hash.dataDigest(r.data());
      if (!Arrays.equals(digest, r.dataDigest())) {
        f.add("data digest is SHA-256 of the data", "position " + r.position());
      }
      byte[] expected = hash.next(previous, r.position(), r.version(), r.id(), micros(r.recordedAtMicros()),
          r.effectiveAt(), r.batchSize(), r.indexInBatch(), r.imported(), r.stream(), r.type(), digest, r.data().length,
          r.metadata());
      if (!Arrays.equals(expected, r.chain())) {
        f.add("hash chain verifies", "position " + r.position() + " stores " + ChainHash.hex(r.chain())
            + ", recomputed " + ChainHash.hex(expected));
        return; // every later link differs too
      }
      previous = expected;
    }
    if (!Arrays.equals(previous, headChain)) {
      f.add("hash chain verifies", "head row's chain " + ChainHash.hex(headChain) + " is not the last event's "
          + ChainHash.hex(previous));
    }
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
