package dev.annals.log;

import static dev.annals.log.LogTesting.all;
import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reopening, torn tails, damage and index rebuilds (design §3, recovery). */
class LogRecoveryTest {

  private final Path dir = TestStores.freshDir();

  private LogEventStore open() {
    return Annals.open(dir);
  }

  private List<RecordedEvent> writeSome(int appends, int perAppend) {
    try (LogEventStore s = open()) {
      for (int i = 0; i < appends; i++) {
        s.append("s-" + (i % 3), ExpectedVersion.ANY, events(perAppend));
      }
      return all(s);
    }
  }

  @Test
  void a_reopened_store_reads_every_event_as_before_and_continues_the_log() {
    List<RecordedEvent> before = writeSome(10, 3);
    try (LogEventStore s = open()) {
      assertThat(all(s)).isEqualTo(before);
      assertThat(s.streamVersion("s-0")).isEqualTo(12);
      AppendResult r = s.append("s-0", ExpectedVersion.exactly(12), events(1));
      assertThat(r.firstPosition()).isEqualTo(31);
      assertThat(s.bytesCutOnOpen()).isZero();
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).problems()).isEmpty();
  }

  @Test
  void an_open_store_verifies_clean_when_empty_and_right_after_a_roll_to_an_empty_segment() {
    try (LogEventStore s = open()) {
      VerifyReport fresh = s.verify(LogVerifier.Progress.NONE);
      assertThat(fresh.problems()).isEmpty();
      assertThat(fresh.events()).isZero();
    }
    Path rolled = TestStores.freshDir();
    try (LogEventStore s = Annals.open(rolled, LogOptions.defaults().withSegmentBytes(4096).withCheckpointEvery(1))) {
      int appends = 0;
      while (segmentFiles(rolled) < 2) { // the append that fills a segment starts the next one, empty
        s.append("r-1", ExpectedVersion.ANY, events(1));
        appends++;
      }
      VerifyReport report = s.verify(LogVerifier.Progress.NONE);
      assertThat(report.problems()).isEmpty();
      assertThat(report.events()).isEqualTo(appends);
    }
  }

  private static long segmentFiles(Path dir) {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void after_a_crash_the_log_after_the_checkpoint_is_replayed() {
    List<RecordedEvent> before;
    try (LogEventStore s = open()) {
      s.append("a-1", ExpectedVersion.ANY, events(3));
      s.closeWithoutCheckpoint();
      before = List.of();
    }
    LogEventStore s = open();
    s.append("a-1", ExpectedVersion.exactly(3), events(2));
    before = all(s);
    s.closeWithoutCheckpoint();
    try (LogEventStore again = open()) {
      assertThat(all(again)).isEqualTo(before);
      assertThat(again.streamVersion("a-1")).isEqualTo(5);
    }
  }

  @Test
  void idempotent_retries_are_recognised_after_a_reopen() {
    List<EventData> batch = events(3);
    AppendResult first;
    try (LogEventStore s = open()) {
      first = s.append("x-1", ExpectedVersion.ANY, batch);
      s.append("x-2", ExpectedVersion.ANY, events(2));
    }
    try (LogEventStore s = open()) {
      assertThat(s.append("x-1", ExpectedVersion.ANY, batch)).isEqualTo(first);
      assertThat(s.headPosition()).isEqualTo(5);
    }
  }

  @Test
  void a_truncated_tail_is_cut_and_its_whole_batch_disappears() {
    writeSome(4, 1);
    try (LogEventStore s = open()) {
      s.append("t-1", ExpectedVersion.ANY, events(5));
      s.closeWithoutCheckpoint();
    }
    Path seg = LogTesting.lastSegment(dir);
    List<Long> offsets = LogTesting.recordOffsets(seg);
    // cut in the middle of the third record of the 5-event batch
    LogTesting.truncate(seg, offsets.get(offsets.size() - 3) + 20);
    try (LogEventStore s = open()) {
      assertThat(s.bytesCutOnOpen()).isGreaterThan(0);
      assertThat(s.headPosition()).isEqualTo(4);
      assertThat(s.streamVersion("t-1")).isZero();
      assertThat(s.append("t-1", ExpectedVersion.NO_STREAM, events(1)).firstPosition()).isEqualTo(5);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).problems()).isEmpty();
  }

  /**
   * A log cut short below what the index checkpoint proves acknowledged (the checkpoint covers only
   * fsynced, published events) is damage, not a torn tail: open refuses and cuts nothing, so the
   * evidence stays. Before, open took the short log for a torn tail, cut it, and wrote a new checkpoint:
   * acknowledged events were gone without a word. Deleting index.chk is the operator's way to accept it.
   */
  @Test
  void a_log_shorter_than_its_checkpoint_refuses_to_open_and_cuts_nothing() throws Exception {
    writeSome(10, 2); // closed normally: index.chk covers all 20 positions
    Path seg = LogTesting.lastSegment(dir);
    LogTesting.truncate(seg, LogTesting.recordOffsets(seg).get(15) + 30); // mid-record of position 16
    long size = LogTesting.size(seg);
    assertThatThrownBy(this::open).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("positions up to 20 were acknowledged").hasMessageContaining("up to 14")
        .hasMessageContaining("nothing was cut");
    assertThat(LogTesting.size(seg)).as("nothing cut").isEqualTo(size);
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isFalse();
    Files.delete(dir.resolve(IndexCheckpoint.FILE));
    try (LogEventStore s = open()) {
      assertThat(s.headPosition()).isEqualTo(14);
      assertThat(s.bytesCutOnOpen()).isPositive();
    }
  }

  @Test
  void a_first_segment_left_unfinished_by_a_crash_while_it_was_made_is_made_again_on_open() throws Exception {
    java.nio.file.Files.write(dir.resolve(Segment.fileName(1)), new byte[10]); // the crash came before its header was whole
    try (LogEventStore s = open()) {
      assertThat(s.bytesCutOnOpen()).isEqualTo(10);
      s.append("f-1", ExpectedVersion.ANY, events(1));
      assertThat(s.headPosition()).isEqualTo(1);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  @Test
  void a_torn_batch_whose_records_are_whole_but_unfinished_is_cut() {
    writeSome(2, 1);
    try (LogEventStore s = open()) {
      s.append("t-1", ExpectedVersion.ANY, events(4));
      s.closeWithoutCheckpoint();
    }
    Path seg = LogTesting.lastSegment(dir);
    List<Long> offsets = LogTesting.recordOffsets(seg);
    LogTesting.truncate(seg, offsets.get(offsets.size() - 1)); // the batch's last record is gone
    try (LogEventStore s = open()) {
      assertThat(s.headPosition()).isEqualTo(2);
      assertThat(all(s)).extracting(RecordedEvent::stream).doesNotContain("t-1");
    }
  }

  @Test
  void zeros_at_the_tail_from_pages_that_never_reached_the_disk_are_cut() {
    List<RecordedEvent> before = writeSome(3, 2);
    LogTesting.appendBytes(LogTesting.lastSegment(dir), new byte[3000]);
    try (LogEventStore s = open()) {
      assertThat(s.bytesCutOnOpen()).isEqualTo(3000);
      assertThat(all(s)).isEqualTo(before);
    }
  }

  @Test
  void a_flipped_bit_in_the_last_record_is_refused_even_when_preallocated_zeros_follow_it() {
    writeSome(3, 2);
    Path seg = LogTesting.lastSegment(dir);
    List<Long> offsets = LogTesting.recordOffsets(seg);
    long last = offsets.get(offsets.size() - 1);
    LogTesting.flipBit(seg, last + 40);
    LogTesting.appendBytes(seg, new byte[ActiveSegment.PREALLOCATE_BYTES]); // as a crash leaves the writer's zeros
    assertThatThrownBy(this::open).isInstanceOf(CorruptLogException.class)
        .satisfies(e -> assertThat(((CorruptLogException) e).offset()).isEqualTo(last));
  }

  @Test
  void the_open_store_writes_zeros_ahead_of_its_last_record_and_cuts_them_on_close() {
    Path seg = LogTesting.firstSegment(dir);
    List<RecordedEvent> before;
    try (LogEventStore s = open()) {
      s.append("p-1", ExpectedVersion.ANY, events(3));
      assertThat(LogTesting.size(seg)).isEqualTo(LogTesting.dataEnd(seg) + ActiveSegment.PREALLOCATE_BYTES);
      s.append("p-1", ExpectedVersion.ANY, events(2));
      assertThat(LogTesting.size(seg)).as("the second group fits in the zeros: the file does not grow")
          .isEqualTo(LogTesting.dataEnd(seg) + ActiveSegment.PREALLOCATE_BYTES - LogTesting.sizeOfLastRecords(seg, 2));
      before = all(s);
    }
    assertThat(LogTesting.size(seg)).isEqualTo(LogTesting.dataEnd(seg));
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).notes()).isEmpty();
    try (LogEventStore s = open()) {
      assertThat(s.bytesCutOnOpen()).isZero();
      assertThat(all(s)).isEqualTo(before);
    }
  }

  @Test
  void a_flipped_bit_in_the_last_acknowledged_record_refuses_to_open_and_says_where() {
    writeSome(3, 2);
    Path seg = LogTesting.lastSegment(dir);
    List<Long> offsets = LogTesting.recordOffsets(seg);
    long last = offsets.get(offsets.size() - 1);
    LogTesting.flipBit(seg, last + 40);
    assertThatThrownBy(this::open).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(seg.toString()).hasMessageContaining("offset " + last)
        .satisfies(e -> assertThat(((CorruptLogException) e).offset()).isEqualTo(last));
  }

  @Test
  void a_flipped_bit_in_the_middle_of_acknowledged_data_refuses_to_open_and_verify_reports_it() throws Exception {
    writeSome(10, 2);
    Path seg = LogTesting.lastSegment(dir);
    List<Long> offsets = LogTesting.recordOffsets(seg);
    long middle = offsets.get(7);
    byte[] before = null;
    LogTesting.flipBit(seg, middle + 120);
    before = Files.readAllBytes(seg);
    assertThatThrownBy(this::open).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("offset " + middle).hasMessageContaining("checksum");
    VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains(seg.toString()).contains("byte " + middle));
    assertThat(Files.readAllBytes(seg)).as("verify repairs nothing").isEqualTo(before);
    assertThatThrownBy(this::open).as("still refused: nothing was dropped").isInstanceOf(CorruptLogException.class);
  }

  @Test
  void tampering_that_keeps_checksums_valid_breaks_the_hash_chain() throws Exception {
    writeSome(3, 1);
    Path seg = LogTesting.lastSegment(dir);
    long second = LogTesting.recordOffsets(seg).get(1);
    // rewrite the data of position 2 and fix up its CRC: only the chain can tell
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(seg));
    int var = (int) second + EventRecord.VARIABLE;
    int s = b.getShort((int) second + EventRecord.STREAM_LENGTH);
    int t = b.getShort((int) second + EventRecord.TYPE_LENGTH);
    b.put(var + s + t + 5, (byte) '7'); // {"n":0} -> {"n":7}
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.slice((int) second + 8, b.getInt((int) second)));
    b.putInt((int) second + 4, (int) crc.getValue());
    Files.write(seg, b.array());
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).problems())
        .anySatisfy(p -> assertThat(p).contains("hash chain broken at position 2"));
    // an open that replays the log (no checkpoint) checks the chain too
    Files.delete(dir.resolve(IndexCheckpoint.FILE));
    assertThatThrownBy(this::open).isInstanceOf(CorruptLogException.class).hasMessageContaining("hash chain");
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).problems())
        .anySatisfy(p -> assertThat(p).contains("hash chain broken at position 2"));
  }

  @Test
  void a_missing_index_is_rebuilt_from_the_log() throws Exception {
    List<RecordedEvent> before = writeSome(20, 2);
    Files.delete(dir.resolve(IndexCheckpoint.FILE));
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).notes()).anySatisfy(n -> assertThat(n).contains("no index"));
    try (LogEventStore s = open()) {
      assertThat(all(s)).isEqualTo(before);
      assertThat(s.streamVersion("s-1")).isEqualTo(14);
    }
    assertThat(Files.exists(dir.resolve(IndexCheckpoint.FILE))).isTrue();
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  @Test
  void a_corrupt_index_is_reported_by_verify_and_rebuilt_on_open() {
    List<RecordedEvent> before = writeSome(20, 2);
    LogTesting.flipBit(dir.resolve(IndexCheckpoint.FILE), 100);
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).problems())
        .anySatisfy(p -> assertThat(p).contains("index checkpoint"));
    try (LogEventStore s = open()) {
      assertThat(all(s)).isEqualTo(before);
      assertThat(s.readStream("s-2", 1, Direction.FORWARD, 100).events()).hasSize(12);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  @Test
  void an_index_from_another_store_is_not_trusted() throws Exception {
    writeSome(5, 1);
    Path other = TestStores.freshDir();
    try (LogEventStore s = Annals.open(other)) {
      s.append("zzz", ExpectedVersion.ANY, events(5));
    }
    Files.copy(other.resolve(IndexCheckpoint.FILE), dir.resolve(IndexCheckpoint.FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isFalse();
    try (LogEventStore s = open()) {
      assertThat(s.streamVersion("zzz")).isZero();
      assertThat(s.streamVersion("s-0")).isEqualTo(2);
    }
  }

  @Test
  void segments_roll_at_the_size_limit_and_are_named_by_their_first_position() throws Exception {
    LogOptions small = LogOptions.defaults().withSegmentBytes(4096);
    List<RecordedEvent> before;
    try (LogEventStore s = Annals.open(dir, small)) {
      for (int i = 0; i < 60; i++) {
        s.append("r-" + (i % 4), ExpectedVersion.ANY, events(2));
      }
      before = all(s);
    }
    List<Long> bases = DataDirectory.segmentBases(dir);
    assertThat(bases.size()).isGreaterThan(3);
    for (long base : bases) {
      Path seg = dir.resolve(Segment.fileName(base));
      assertThat(LogTesting.size(seg)).as("%s ends at its last record", seg).isEqualTo(LogTesting.dataEnd(seg));
    }
    for (long base : bases) {
      try (LogEventStore s = Annals.open(dir, small)) {
        assertThat(s.readAll(base, Direction.FORWARD, 1, dev.annals.core.Filter.everything()).events().get(0).position())
            .isEqualTo(base);
      }
    }
    try (LogEventStore s = Annals.open(dir, small)) {
      assertThat(all(s)).isEqualTo(before);
      assertThat(s.readAllFromEnd(120, dev.annals.core.Filter.everything())
          .events()).hasSize(120);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  @Test
  void position_at_uses_the_time_index_across_reopens() throws Exception {
    Instant[] times = new Instant[300];
    try (LogEventStore s = open()) {
      for (int i = 0; i < 300; i++) {
        times[i] = s.append("t-" + (i % 7), ExpectedVersion.ANY, events(1)).recordedAt();
      }
    }
    try (LogEventStore s = open()) {
      for (int i = 0; i < 300; i += 17) {
        long p = s.positionAt(times[i]);
        assertThat(times[(int) p - 1]).isEqualTo(times[i]);
        if (p > 1) {
          assertThat(times[(int) p - 2]).isBefore(times[i]);
        }
      }
      assertThat(s.positionAt(Instant.MAX)).isEqualTo(301);
      assertThat(s.positionAt(Instant.MIN)).isEqualTo(1);
    }
  }

  @Test
  void a_second_opener_in_the_same_process_gets_a_clear_error() {
    try (LogEventStore s = open()) {
      assertThatThrownBy(this::open).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("already open").hasMessageContaining(dir.toString());
    }
    open().close();
  }

  @Test
  void an_open_store_verifies_up_to_its_head_and_reports_progress() {
    try (LogEventStore s = open()) {
      for (int i = 0; i < 50; i++) {
        s.append("v-" + (i % 5), ExpectedVersion.ANY, events(3));
      }
      java.util.List<long[]> progress = new java.util.ArrayList<>();
      VerifyReport report = s.verify((done, total) -> progress.add(new long[] {done, total}));
      assertThat(report.ok()).isTrue();
      assertThat(report.events()).isEqualTo(150);
      assertThat(report.headPosition()).isEqualTo(150);
      assertThat(report.headHash()).hasSize(64).isNotEqualTo("0".repeat(64));
      assertThat(progress).isNotEmpty();
      assertThat(progress.get(progress.size() - 1)[0]).isEqualTo(progress.get(progress.size() - 1)[1]);
    }
    VerifyReport closed = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    assertThat(closed.ok()).isTrue();
    assertThat(closed.events()).isEqualTo(150);
  }

  @Test
  void verify_of_an_empty_store_reports_the_genesis_hash() {
    open().close();
    VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    assertThat(report.ok()).isTrue();
    assertThat(report.events()).isZero();
    assertThat(report.headHash()).isEqualTo("0".repeat(64));
  }
}
