package dev.annals.log;

import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ExpectedVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one set of scanning rules that recovery and verify share: how a segment's scanned part ends. */
class SegmentScannerTest {

  private final Path dir = TestStores.freshDir();

  /** Collects what a scan hands over. */
  private static final class Seen implements SegmentScanner.Visitor {
    final List<Long> offsets = new ArrayList<>();
    final List<SegmentScanner.Framing> framings = new ArrayList<>();
    int batches;
    int stopAfter = Integer.MAX_VALUE;

    @Override
    public boolean more() {
      return offsets.size() < stopAfter;
    }

    @Override
    public void record(ByteBuffer buf, int at, long offset, int size, SegmentScanner.Framing framing) {
      offsets.add(offset);
      framings.add(framing);
    }

    @Override
    public void batchComplete() {
      batches++;
    }
  }

  /** A store with batches of 2 and 4 events, closed without a checkpoint; returns its only segment. */
  private Path twoBatches() {
    try (LogEventStore s = Annals.open(dir)) {
      s.append("a-1", ExpectedVersion.ANY, events(2));
      s.append("a-2", ExpectedVersion.ANY, events(4));
      s.closeWithoutCheckpoint();
    }
    return LogTesting.lastSegment(dir);
  }

  private static SegmentScanner.Outcome scan(Path seg, boolean last, Seen seen) {
    try (SegmentScanner scanner = SegmentScanner.open(seg, Segment.HEADER, last)) {
      return scanner.scan(seen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void a_segment_of_whole_batches_ends_clean_at_its_last_record_and_yields_every_batch() {
    Path seg = twoBatches();
    Seen seen = new Seen();
    assertThat(scan(seg, true, seen)).isEqualTo(new SegmentScanner.CleanEnd(LogTesting.size(seg)));
    assertThat(seen.offsets).isEqualTo(LogTesting.recordOffsets(seg));
    assertThat(seen.batches).isEqualTo(2);
    assertThat(seen.framings).allMatch(f -> f instanceof SegmentScanner.InOrder);
  }

  @Test
  void zeros_at_the_end_of_the_last_segment_are_set_aside_before_its_records_are_checked() throws IOException {
    Path seg = twoBatches();
    long end = LogTesting.size(seg);
    LogTesting.appendBytes(seg, new byte[5000]);
    try (SegmentScanner scanner = SegmentScanner.open(seg, Segment.HEADER, true)) {
      assertThat(scanner.dataEnd()).isEqualTo(end);
      assertThat(scanner.fileSize()).isEqualTo(end + 5000);
      assertThat(scanner.scan(new Seen())).isEqualTo(new SegmentScanner.CleanEnd(end));
    }
  }

  @Test
  void an_unfinished_batch_at_the_end_of_the_last_segment_is_a_torn_tail_from_its_first_record() {
    Path seg = twoBatches();
    List<Long> offsets = LogTesting.recordOffsets(seg);
    LogTesting.truncate(seg, offsets.get(5)); // the 4-event batch lost its last record
    assertThat(scan(seg, true, new Seen()))
        .isEqualTo(new SegmentScanner.TornTail(offsets.get(2), SegmentScanner.UNFINISHED, 3, 4));
  }

  @Test
  void the_same_unfinished_batch_in_a_sealed_segment_is_damage() {
    Path seg = twoBatches();
    List<Long> offsets = LogTesting.recordOffsets(seg);
    LogTesting.truncate(seg, offsets.get(5));
    assertThat(scan(seg, false, new Seen())).isInstanceOfSatisfying(SegmentScanner.Damage.class, d -> {
      assertThat(d.code()).isEqualTo(SegmentScanner.UNFINISHED);
      assertThat(d.batchStart()).isEqualTo(offsets.get(2));
      assertThat(d.why()).isEqualTo("the last batch is unfinished");
    });
  }

  @Test
  void a_record_cut_short_at_the_end_is_a_torn_tail_from_its_batchs_first_record() {
    Path seg = twoBatches();
    List<Long> offsets = LogTesting.recordOffsets(seg);
    LogTesting.truncate(seg, offsets.get(5) + 20);
    assertThat(scan(seg, true, new Seen()))
        .isEqualTo(new SegmentScanner.TornTail(offsets.get(2), EventRecord.Check.SHORT, 3, 4));
  }

  @Test
  void a_damaged_complete_last_record_is_damage_even_with_zeros_after_it() {
    Path seg = twoBatches();
    long last = LogTesting.recordOffsets(seg).get(5);
    LogTesting.flipBit(seg, last + 40);
    LogTesting.appendBytes(seg, new byte[ActiveSegment.PREALLOCATE_BYTES]);
    assertThat(scan(seg, true, new Seen())).isInstanceOfSatisfying(SegmentScanner.Damage.class, d -> {
      assertThat(d.at()).isEqualTo(last);
      assertThat(d.code()).isEqualTo(EventRecord.Check.BAD_CRC);
      assertThat(d.validAfter()).isEqualTo(-1);
    });
  }

  @Test
  void damage_followed_by_valid_records_says_where_they_resume_and_the_scan_can_go_on_there() throws IOException {
    Path seg = twoBatches();
    List<Long> offsets = LogTesting.recordOffsets(seg);
    LogTesting.flipBit(seg, offsets.get(1) + 40);
    try (SegmentScanner scanner = SegmentScanner.open(seg, Segment.HEADER, true)) {
      Seen seen = new Seen();
      SegmentScanner.Outcome first = scanner.scan(seen);
      assertThat(first).isInstanceOfSatisfying(SegmentScanner.Damage.class, d -> {
        assertThat(d.at()).isEqualTo(offsets.get(1));
        assertThat(d.validAfter()).isEqualTo(offsets.get(2));
      });
      scanner.resumeAt(((SegmentScanner.Damage) first).validAfter());
      assertThat(scanner.scan(seen)).isEqualTo(new SegmentScanner.CleanEnd(LogTesting.size(seg)));
      assertThat(seen.offsets).containsExactly(offsets.get(0), offsets.get(2), offsets.get(3), offsets.get(4),
          offsets.get(5));
    }
  }

  @Test
  void a_visitor_that_wants_no_more_records_stops_the_scan_before_the_next_one_is_read() {
    Path seg = twoBatches();
    Seen seen = new Seen();
    seen.stopAfter = 3;
    assertThat(scan(seg, true, seen)).isInstanceOf(SegmentScanner.Stopped.class);
    assertThat(seen.offsets).hasSize(3);
  }

  @Test
  void a_batch_that_starts_before_the_previous_one_finished_is_reported_with_the_unfinished_batch() throws IOException {
    Path seg = handMadeSegment(new int[][] {{0, 2}, {0, 1}});
    Seen seen = new Seen();
    scan(seg, false, seen);
    assertThat(seen.framings).containsExactly(new SegmentScanner.InOrder(), new SegmentScanner.StartsEarly(1, 2));
  }

  @Test
  void a_record_whose_index_or_batch_size_does_not_follow_its_batch_breaks_the_framing() throws IOException {
    Path seg = handMadeSegment(new int[][] {{0, 3}, {2, 3}, {0, 0}});
    Seen seen = new Seen();
    scan(seg, false, seen);
    assertThat(seen.framings.get(1)).isEqualTo(new SegmentScanner.Broken(1, 3));
    assertThat(seen.framings.get(2)).as("a batch of no events").isInstanceOf(SegmentScanner.Broken.class);
  }

  /** A segment file of records with the given {indexInBatch, batchSize}, otherwise valid. */
  private Path handMadeSegment(int[][] framing) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    buf.put(Segment.header(1));
    byte[] chain = EventRecord.GENESIS_HASH.clone();
    byte[] stream = "h-1".getBytes(StandardCharsets.UTF_8);
    byte[] type = "Happened".getBytes(StandardCharsets.US_ASCII);
    byte[] data = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] metadata = "{}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < framing.length; i++) {
      EventRecord.write(buf, i + 1, i + 1, UUID.randomUUID(), 1_000_000L + i, Instant.EPOCH, framing[i][1], framing[i][0],
          false, stream, type, data, null, metadata, chain, EventRecord.sha256());
    }
    buf.flip();
    Path file = dir.resolve(Segment.fileName(1));
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    Files.write(file, bytes);
    return file;
  }
}
