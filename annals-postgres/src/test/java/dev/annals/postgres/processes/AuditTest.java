package dev.annals.postgres.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ChainHash;
import dev.annals.postgres.processes.Journal.Delivered;
import dev.annals.postgres.processes.Journal.Entry;
import dev.annals.postgres.processes.StoredLog.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The multi-process and crash tests are only as good as their checks: each check here is shown to catch
 * the defect it is for, on a run built in memory (rows with a true hash chain, journals of three children
 * and a subscriber) and then broken in one place.
 */
class AuditTest {

  /** Builds a consistent run: rows as a correct engine would store them, and the journals that led there. */
  private static final class Run {
    final List<Row> rows = new ArrayList<>();
    final Map<String, List<Entry>> journals = new LinkedHashMap<>();
    final Map<String, Long> versions = new TreeMap<>();
    final ChainHash hash = new ChainHash();
    byte[] chain = ChainHash.genesis();
    long micros = 1_780_000_000_000_000L;
    long seq;

    List<Entry> journal(String child) {
      return journals.computeIfAbsent(child, c -> new ArrayList<>());
    }

    /** Writes an append of {@code n} events and journals its intent and, if {@code answered}, its ack. */
    List<UUID> append(String child, String stream, String expected, int n, boolean answered) {
      long s = ++seq;
      List<UUID> ids = ids(n);
      journal(child).add(new Journal.Intent(s, stream, expected, ids));
      long firstVersion = versions.getOrDefault(stream, 0L) + 1;
      long firstPosition = rows.size() + 1;
      micros += 7;
      for (int i = 0; i < n; i++) {
        write(firstPosition + i, stream, firstVersion + i, ids.get(i), n, i);
      }
      versions.put(stream, firstVersion + n - 1);
      if (answered) {
        journal(child).add(new Journal.Ack(s, firstVersion, firstVersion + n - 1, firstPosition, firstPosition + n - 1,
            micros));
      }
      return ids;
    }

    void write(long position, String stream, long version, UUID id, int batchSize, int index) {
      byte[] data = ("{\"p\":" + position + "}").getBytes(StandardCharsets.UTF_8);
      byte[] metadata = "{}".getBytes(StandardCharsets.UTF_8);
      Instant at = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
      byte[] digest = hash.dataDigest(data);
      chain = hash.next(chain, position, version, id, at, at, batchSize, index, false, stream, "Appended", digest,
          data.length, metadata);
      rows.add(new Row(position, stream, version, id, "Appended", micros, at, batchSize, index, false, data, digest,
          metadata, chain));
    }

    /** Journals an append the store refused (it writes nothing). */
    List<UUID> refused(String child, String stream, long expected) {
      long s = ++seq;
      List<UUID> ids = ids(2);
      journal(child).add(new Journal.Intent(s, stream, Long.toString(expected), ids));
      journal(child).add(new Journal.Refused(s, versions.getOrDefault(stream, 0L)));
      return ids;
    }

    /** Journals an append that failed as unavailable and wrote nothing. */
    void failed(String child, String stream) {
      long s = ++seq;
      journal(child).add(new Journal.Intent(s, stream, "any", ids(3)));
      journal(child).add(new Journal.Failed(s, "unavailable"));
    }

    StoredLog log() {
      long lastRecorded = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).recordedAtMicros();
      return new StoredLog(List.copyOf(rows), rows.size(), lastRecorded, chain, new TreeMap<>(versions));
    }

    List<Entry> subscriber() {
      List<Entry> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Delivered(r.position(), r.stream(), r.version(), r.id(), r.recordedAtMicros()));
      }
      return out;
    }

    static List<UUID> ids(int n) {
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(UUID.randomUUID());
      }
      return ids;
    }
  }

  /**
   * Three children: singles and batches, shared and own streams, any and exact, a refusal, failures, an
   * append killed before its answer and one retried after its COMMIT's outcome was unknown.
   */
  private static Run consistentRun() {
    Run run = new Run();
    run.append("a", "shared-0", "any", 1, true);
    run.append("b", "shared-0", "1", 3, true);
    run.refused("c", "shared-0", 1);
    run.append("c", "own-c-0", "no_stream", 1, true);
    run.failed("a", "shared-1");
    run.append("a", "shared-1", "any", 5, false); // killed before its ack: written whole
    run.append("b", "own-b-0", "no_stream", 2, true);
    run.append("c", "shared-0", "4", 1, true);
    run.append("a", "shared-1", "5", 4, true);
    // its first try lost the connection during COMMIT; the retry with the same ids got the answer
    List<Entry> a = run.journal("a");
    a.add(a.size() - 1, new Journal.Failed(run.seq, AppenderChild.COMMIT_UNKNOWN));
    return run;
  }

  /** A log of {@code rows} whose head row agrees with its last event. */
  private static StoredLog headAtEnd(List<Row> rows, Map<String, Long> versions) {
    Row last = rows.get(rows.size() - 1);
    return new StoredLog(rows, rows.size(), last.recordedAtMicros(), last.chain(), versions);
  }

  private static StoredLog with(StoredLog log, int index, UnaryOperator<Row> change) {
    List<Row> rows = new ArrayList<>(log.events());
    rows.set(index, change.apply(rows.get(index)));
    return new StoredLog(rows, log.headPosition(), log.headRecordedAtMicros(), log.headChain(), log.streamVersions());
  }

  private static Row moved(Row r, long position, long version, int batchSize, int index, long micros) {
    return new Row(position, r.stream(), version, r.id(), r.type(), micros, r.effectiveAt(), batchSize, index,
        r.imported(), r.data(), r.dataDigest(), r.metadata(), r.chain());
  }

  @Test
  void a_consistent_run_breaks_no_rule() {
    Run run = consistentRun();
    StoredLog log = run.log();
    assertThat(LogAudit.check(log).isEmpty()).as(LogAudit.check(log).toString()).isTrue();
    AppendAudit.Result r = AppendAudit.check(log, run.journals);
    assertThat(r.findings().isEmpty()).as(r.findings().toString()).isTrue();
    assertThat(DeliveryAudit.check(log, run.subscriber()).isEmpty()).isTrue();
    assertThat(r.stats()).isEqualTo(new AppendAudit.Stats(3, 9, 6, 12, 3, 1, 1, 0, 2, 1, 1,
        Map.of("unavailable", 1L, AppenderChild.COMMIT_UNKNOWN, 1L)));
  }

  @Test
  void an_acknowledged_append_that_is_missing_is_found() {
    Run run = consistentRun();
    StoredLog full = run.log();
    // the last append (4 events) is gone, and the head says so consistently
    List<Row> rows = full.events().subList(0, full.events().size() - 4);
    Map<String, Long> versions = new TreeMap<>(full.streamVersions());
    versions.put("shared-1", 5L);
    StoredLog lost = headAtEnd(rows, versions);
    assertThat(LogAudit.check(lost).isEmpty()).isTrue();
    assertThat(AppendAudit.check(lost, run.journals).findings().rules())
        .containsExactly("acknowledged appends are present");
  }

  @Test
  void an_acknowledgment_at_another_position_than_stored_is_found() {
    Run run = consistentRun();
    List<Entry> a = run.journals.get("a");
    Journal.Ack ack = (Journal.Ack) a.get(1);
    a.set(1, new Journal.Ack(ack.seq(), ack.firstVersion(), ack.lastVersion(), ack.firstPosition() + 1,
        ack.lastPosition() + 1, ack.recordedAtMicros()));
    assertThat(AppendAudit.check(run.log(), run.journals).findings().rules())
        .contains("acknowledged appends are where they were acknowledged");
  }

  @Test
  void an_acknowledged_exact_append_not_right_after_its_expected_version_is_found() {
    Run run = new Run();
    run.append("a", "s", "any", 2, true);
    run.append("b", "s", "1", 1, true); // stored at version 3, though it expected 1
    assertThat(AppendAudit.check(run.log(), run.journals).findings().rules())
        .containsExactly("exact expectations write right after the expected version");
  }

  @Test
  void a_refused_append_that_wrote_is_found() {
    Run run = consistentRun();
    long at = run.versions.get("shared-0");
    List<UUID> ids = run.refused("b", "shared-0", at - 1); // refused for the version the stream is at
    run.write(run.rows.size() + 1, "shared-0", at + 1, ids.get(0), 2, 0); // and written all the same
    run.write(run.rows.size() + 1, "shared-0", at + 2, ids.get(1), 2, 1);
    run.versions.put("shared-0", at + 2);
    AppendAudit.Result r = AppendAudit.check(run.log(), run.journals);
    assertThat(r.findings().rules()).containsExactly("refused appends write nothing");
  }

  @Test
  void a_refusal_of_an_expectation_that_held_is_found() {
    Run run = new Run();
    run.append("a", "s", "any", 2, true);
    long s = ++run.seq;
    run.journal("b").add(new Journal.Intent(s, "s", "2", Run.ids(1)));
    run.journal("b").add(new Journal.Refused(s, 2));
    assertThat(AppendAudit.check(run.log(), run.journals).findings().rules()).containsExactly("refusals are justified");
  }

  @Test
  void a_refusal_naming_a_version_the_stream_never_had_or_of_any_is_found() {
    Run run = new Run();
    run.append("a", "s", "any", 2, true);
    long s = ++run.seq;
    run.journal("b").add(new Journal.Intent(s, "s", "1", Run.ids(1)));
    run.journal("b").add(new Journal.Refused(s, 7));
    long t = ++run.seq;
    run.journal("c").add(new Journal.Intent(t, "s", "any", Run.ids(1)));
    run.journal("c").add(new Journal.Refused(t, 2));
    AppendAudit.Result r = AppendAudit.check(run.log(), run.journals);
    assertThat(r.findings().rules()).containsExactly("refusals are justified");
    assertThat(r.findings().toString()).contains("a version the stream never had").contains("expected any");
  }

  @Test
  void a_partly_visible_append_is_found() {
    Run run = consistentRun();
    List<UUID> ids = run.append("b", "shared-2", "any", 3, false);
    // only 2 of its 3 events are stored
    StoredLog full = run.log();
    List<Row> rows = full.events().subList(0, full.events().size() - 1);
    Map<String, Long> versions = new TreeMap<>(full.streamVersions());
    versions.put("shared-2", 2L);
    StoredLog partial = headAtEnd(rows, versions);
    assertThat(ids).hasSize(3);
    assertThat(LogAudit.check(partial).rules()).containsExactly("appends whole and contiguous");
    assertThat(AppendAudit.check(partial, run.journals).findings().rules())
        .containsExactly("unanswered appends are whole or absent");
  }

  @Test
  void an_event_nobody_meant_is_found() {
    Run run = consistentRun();
    run.write(run.rows.size() + 1, "shared-0", run.versions.get("shared-0") + 1, UUID.randomUUID(), 1, 0);
    run.versions.merge("shared-0", 1L, Long::sum);
    assertThat(AppendAudit.check(run.log(), run.journals).findings().rules())
        .containsExactly("every row was meant by a child");
  }

  @Test
  void a_gap_in_positions_is_found() {
    StoredLog log = with(consistentRun().log(), 5, r -> moved(r, r.position() + 1, r.version(), r.batchSize(),
        r.indexInBatch(), r.recordedAtMicros()));
    assertThat(LogAudit.check(log).rules()).contains("positions gap-free from 1");
  }

  @Test
  void a_gap_in_a_stream_s_versions_is_found() {
    Run run = consistentRun();
    int last = run.rows.size() - 1;
    StoredLog log = with(run.log(), last, r -> moved(r, r.position(), r.version() + 1, r.batchSize(),
        r.indexInBatch(), r.recordedAtMicros()));
    assertThat(LogAudit.check(log).rules())
        .contains("stream versions gap-free from 1", "streams table matches the events");
  }

  @Test
  void a_recorded_at_that_goes_back_is_found() {
    Run run = consistentRun();
    int last = run.rows.size() - 1;
    long earlier = run.rows.get(0).recordedAtMicros() - 1;
    StoredLog log = run.log();
    for (int i = last - 3; i <= last; i++) { // the whole last append, so its events still share one time
      log = with(log, i, r -> moved(r, r.position(), r.version(), r.batchSize(), r.indexInBatch(), earlier));
    }
    assertThat(LogAudit.check(log).rules()).contains("recordedAt never decreases along positions");
  }

  @Test
  void an_append_split_by_another_is_found() {
    StoredLog log = consistentRun().log();
    // positions 2..4 are one append of three; make position 3 claim to be a single event
    StoredLog broken = with(log, 2, r -> moved(r, r.position(), r.version(), 1, 0, r.recordedAtMicros()));
    assertThat(LogAudit.check(broken).rules()).contains("appends whole and contiguous");
  }

  @Test
  void a_changed_event_breaks_the_chain() {
    StoredLog log = with(consistentRun().log(), 3, r -> new Row(r.position(), r.stream(), r.version(), r.id(),
        r.type(), r.recordedAtMicros(), r.effectiveAt(), r.batchSize(), r.indexInBatch(), r.imported(),
        "{\"p\":0}".getBytes(StandardCharsets.UTF_8), r.dataDigest(), r.metadata(), r.chain()));
    assertThat(LogAudit.check(log).rules())
        .containsExactly("data digest is SHA-256 of the data", "hash chain verifies");
  }

  @Test
  void a_head_chain_other_than_the_last_event_s_is_found() {
    StoredLog log = consistentRun().log();
    StoredLog broken = new StoredLog(log.events(), log.headPosition(), log.headRecordedAtMicros(),
        log.events().get(0).chain(), log.streamVersions());
    assertThat(LogAudit.check(broken).rules()).containsExactly("hash chain verifies");
    StoredLog late = new StoredLog(log.events(), log.headPosition(), log.headRecordedAtMicros() + 1, log.headChain(),
        log.streamVersions());
    assertThat(LogAudit.check(late).rules()).containsExactly("head is the last position");
  }

  @Test
  void a_subscriber_that_skipped_or_repeated_an_event_is_found() {
    Run run = consistentRun();
    StoredLog log = run.log();
    List<Entry> skipped = new ArrayList<>(run.subscriber());
    skipped.remove(4);
    assertThat(DeliveryAudit.check(log, skipped).toString()).contains("a gap");
    List<Entry> repeated = new ArrayList<>(run.subscriber());
    repeated.add(5, repeated.get(4));
    assertThat(DeliveryAudit.check(log, repeated).toString()).contains("a duplicate");
    List<Entry> short_ = run.subscriber().subList(0, 10);
    assertThat(DeliveryAudit.check(log, short_).toString()).contains("saw 10 of " + log.events().size());
  }

  @Test
  void a_subscriber_given_another_event_than_stored_is_found() {
    Run run = consistentRun();
    List<Entry> got = new ArrayList<>(run.subscriber());
    Delivered d = (Delivered) got.get(2);
    got.set(2, new Delivered(d.position(), d.stream(), d.version(), UUID.randomUUID(), d.recordedAtMicros()));
    assertThat(DeliveryAudit.check(run.log(), got).rules()).containsExactly("the subscriber sees events as stored");
  }

  @Test
  void journal_lines_cut_by_a_kill_are_ignored_and_whole_ones_read() {
    UUID id = UUID.randomUUID();
    List<Entry> entries = Journal.parse(List.of("READY END", "INTENT 1 s any " + id + " END",
        "ACK 1 1 1 7 7 12345 END", "ACK 2 1 1 8 8 123", "REFUSED 3 4 END", "FAILED 4 unavailable END",
        "EVENT 1 s 1 " + id + " 5 END", "INTENT 5 s any " + id.toString().substring(0, 20)));
    assertThat(entries).containsExactly(new Journal.Ready(), new Journal.Intent(1, "s", "any", List.of(id)),
        new Journal.Ack(1, 1, 1, 7, 7, 12345), new Journal.Refused(3, 4), new Journal.Failed(4, "unavailable"),
        new Delivered(1, "s", 1, id, 5));
  }

  @Test
  void a_journal_read_from_an_offset_gives_the_lines_written_after_it() throws Exception {
    Path file = Files.createTempFile("journal", ".txt");
    try (Journal j = Journal.create(file)) {
      j.ready();
      long offset = Files.size(file);
      j.ack(1, 1, 1, 1, 1, 9);
      j.failed(2, "unavailable");
      assertThat(Journal.readFrom(file, offset)).containsExactly(new Journal.Ack(1, 1, 1, 1, 1, 9),
          new Journal.Failed(2, "unavailable"));
      assertThat(Journal.readFrom(file, offset + 2)).containsExactly(new Journal.Failed(2, "unavailable"));
      assertThat(Journal.readFrom(file, Files.size(file))).isEmpty();
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void failure_kinds_outside_the_allowed_ones_are_named() {
    var stats = new AppendAudit.Stats(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        new HashMap<>(Map.of("unavailable", 3L, "unexpected:java.lang.IllegalStateException", 1L)));
    assertThat(AppendAudit.unexpectedKinds(stats, Set.of("unavailable", "wrong_expected_version")))
        .containsExactly("unexpected:java.lang.IllegalStateException");
  }
}
