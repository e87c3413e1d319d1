package dev.annals.postgres.processes;

import dev.annals.postgres.processes.Journal.Ack;
import dev.annals.postgres.processes.Journal.Entry;
import dev.annals.postgres.processes.Journal.Failed;
import dev.annals.postgres.processes.Journal.Intent;
import dev.annals.postgres.processes.Journal.Refused;
import dev.annals.postgres.processes.StoredLog.Row;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The appenders' journals held against the rows: every acknowledged append present exactly once, whole,
 * at the positions, versions and {@code recordedAt} it was acknowledged with (and at the version an exact
 * expectation asked for); every refused append absent, and refused for a version its stream really
 * reached, later than the one expected (children expect only versions they saw, and versions only grow);
 * every append left without an answer (killed, or failed) whole or absent; and no row that no child meant
 * to write.
 */
final class AppendAudit {

  /**
   * What the journals say happened, for the tests to require that the run exercised what it claims.
   * {@code commitUnknownAnswered}: appends whose COMMIT outcome was unknown and whose retry got an answer.
   */
  record Stats(int appenders, long intents, long acks, long ackedEvents, long ackedBatches, long refusals,
      long crossProcessRefusals, long ownStreamRefusals, long unanswered, long unansweredWritten,
      long commitUnknownAnswered, Map<String, Long> failureKinds) {}

  record Result(Findings findings, Stats stats) {}

  private AppendAudit() {}

  /** Checks {@code journals} (by child name) against {@code log}. */
  static Result check(StoredLog log, Map<String, List<Entry>> journals) {
    Findings f = new Findings();
    Map<UUID, Row> byId = new HashMap<>();
    Map<String, Row> byPlace = new HashMap<>();
    for (Row r : log.events()) {
      byId.put(r.id(), r);
      byPlace.put(r.stream() + "@" + r.version(), r);
    }
    Map<UUID, String> writerOf = new HashMap<>();
    long intents = 0, acks = 0, ackedEvents = 0, ackedBatches = 0, refusals = 0, cross = 0, own = 0;
    long unanswered = 0, unansweredWritten = 0, commitUnknownAnswered = 0;
    Map<String, Long> kinds = new TreeMap<>();
    for (var journal : journals.entrySet()) {
      String child = journal.getKey();
      Map<Long, Intent> bySeq = new LinkedHashMap<>();
      Map<Long, Entry> answer = new HashMap<>();
      Set<Long> commitUnknown = new HashSet<>();
      for (Entry e : journal.getValue()) {
        switch (e) {
          case Intent in -> {
            bySeq.put(in.seq(), in);
            for (UUID id : in.ids()) {
              if (writerOf.put(id, child) != null) {
                f.add("event ids are new", id + " meant twice (" + child + ")");
              }
            }
          }
          case Ack a -> answer.put(a.seq(), a);
          case Refused r -> answer.put(r.seq(), r);
          case Failed x -> {
            kinds.merge(x.kind(), 1L, Long::sum);
            answer.put(x.seq(), x);
            if (x.kind().equals(AppenderChild.COMMIT_UNKNOWN)) {
              commitUnknown.add(x.seq());
            }
          }
          case Journal.OpenFailed o -> kinds.merge("open:" + o.kind(), 1L, Long::sum);
          default -> { }
        }
      }
      intents += bySeq.size();
      for (Intent in : bySeq.values()) {
        String what = child + " append " + in.seq() + " of " + in.ids().size() + " to " + in.stream();
        switch (answer.get(in.seq())) {
          case Ack a -> {
            acks++;
            ackedEvents += in.ids().size();
            ackedBatches += in.ids().size() > 1 ? 1 : 0;
            commitUnknownAnswered += commitUnknown.contains(in.seq()) ? 1 : 0;
            acknowledged(in, a, byId, what, f);
          }
          case Refused r -> {
            refusals++;
            own += in.stream().startsWith("own-") ? 1 : 0;
            Row there = byPlace.get(in.stream() + "@" + r.actualVersion());
            long expected = expectedVersion(in);
            if (expected < 0 || r.actualVersion() <= expected || there == null) {
              f.add("refusals are justified", what + " expected " + in.expected() + ", refused with actual "
                  + r.actualVersion() + (there == null ? ", a version the stream never had" : ""));
            }
            if (there != null && !child.equals(writerOf.get(there.id()))) {
              cross++;
            }
            for (UUID id : in.ids()) {
              if (byId.containsKey(id)) {
                f.add("refused appends write nothing", what + " was refused, yet " + id + " is at position "
                    + byId.get(id).position());
                break;
              }
            }
          }
          case null, default -> {
            unanswered++;
            if (wholeOrAbsent(in, byId, what, f)) {
              unansweredWritten++;
            }
          }
        }
      }
    }
    for (Row r : log.events()) {
      if (!writerOf.containsKey(r.id())) {
        f.add("every row was meant by a child", "position " + r.position() + " holds " + r.id()
            + ", in no child's intents");
      }
    }
    return new Result(f, new Stats(journals.size(), intents, acks, ackedEvents, ackedBatches, refusals, cross, own,
        unanswered, unansweredWritten, commitUnknownAnswered, kinds));
  }

  private static void acknowledged(Intent in, Ack a, Map<UUID, Row> byId, String what, Findings f) {
    int n = in.ids().size();
    if (a.lastVersion() - a.firstVersion() != n - 1 || a.lastPosition() - a.firstPosition() != n - 1) {
      f.add("acknowledgments span the append", what + " acknowledged as versions " + a.firstVersion() + ".."
          + a.lastVersion() + ", positions " + a.firstPosition() + ".." + a.lastPosition());
    }
    long after = expectedVersion(in);
    if (after >= 0 && a.firstVersion() != after + 1) {
      f.add("exact expectations write right after the expected version", what + " expected " + in.expected()
          + ", acknowledged at version " + a.firstVersion());
    }
    for (int i = 0; i < n; i++) {
      Row r = byId.get(in.ids().get(i));
      if (r == null) {
        f.add("acknowledged appends are present", what + " acknowledged at position " + a.firstPosition()
            + ", event " + i + " (" + in.ids().get(i) + ") is missing");
        return;
      }
      if (r.position() != a.firstPosition() + i || r.version() != a.firstVersion() + i
          || !r.stream().equals(in.stream()) || r.recordedAtMicros() != a.recordedAtMicros()
          || r.batchSize() != n || r.indexInBatch() != i) {
        f.add("acknowledged appends are where they were acknowledged", what + ": event " + i + " acknowledged at "
            + (a.firstPosition() + i) + "/v" + (a.firstVersion() + i) + " recorded " + a.recordedAtMicros()
            + ", stored at "
            + r.position() + "/v" + r.version() + " in " + r.stream() + " recorded " + r.recordedAtMicros()
            + " as event " + r.indexInBatch() + " of " + r.batchSize());
        return;
      }
    }
  }

  /** The version an intent expected its stream at; -1 for {@code any}. */
  private static long expectedVersion(Intent in) {
    return switch (in.expected()) {
      case "any" -> -1;
      case "no_stream" -> 0;
      default -> Long.parseLong(in.expected());
    };
  }

  /** Reports an append that is partly written, or not as one append; true when it is written whole. */
  private static boolean wholeOrAbsent(Intent in, Map<UUID, Row> byId, String what, Findings f) {
    int n = in.ids().size();
    int present = 0;
    for (UUID id : in.ids()) {
      present += byId.containsKey(id) ? 1 : 0;
    }
    if (present == 0) {
      return false;
    }
    if (present != n) {
      f.add("unanswered appends are whole or absent", what + ": " + present + " of " + n + " events written");
      return false;
    }
    Row first = byId.get(in.ids().get(0));
    for (int i = 0; i < n; i++) {
      Row r = byId.get(in.ids().get(i));
      if (r.position() != first.position() + i || r.version() != first.version() + i
          || !r.stream().equals(in.stream()) || r.batchSize() != n || r.indexInBatch() != i) {
        f.add("unanswered appends are whole or absent", what + ": written, but not as one append (event " + i
            + " at " + r.position() + ")");
        return false;
      }
    }
    return true;
  }

  /** Kinds of failures outside {@code allowed}. */
  static Set<String> unexpectedKinds(Stats stats, Set<String> allowed) {
    Set<String> out = new HashSet<>(stats.failureKinds().keySet());
    out.removeAll(allowed);
    return out;
  }
}
