package dev.annals.log;

import static dev.annals.log.LogTesting.all;
import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** I/O failures on the write path: fail-stop on fsync errors, clean refusal on a full disk (design §3). */
class LogFaultInjectionTest {

  private final Path dir = TestStores.freshDir();
  private final LogTesting.FaultyChannels channels = new LogTesting.FaultyChannels();

  private LogEventStore openFaulty() {
    return Annals.open(dir, LogOptions.defaults().withWriteChannels(channels));
  }

  @Test
  void an_fsync_error_makes_the_store_fail_stop_while_reads_keep_working() {
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = openFaulty()) {
      s.append("f-1", ExpectedVersion.ANY, events(3));
      acknowledged = all(s);
      channels.failFsync = true;
      assertThatThrownBy(() -> s.append("f-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("fsync");
      int fsyncsAfterFailure = channels.fsyncs;
      channels.failFsync = false; // the disk "recovers": the store must not pretend the fsync succeeded
      assertThatThrownBy(() -> s.append("f-2", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("refuses appends");
      assertThat(channels.fsyncs).as("no fsync retried").isEqualTo(fsyncsAfterFailure);
      assertThat(s.failure()).isPresent();
      assertThat(all(s)).isEqualTo(acknowledged);
      assertThat(s.headPosition()).isEqualTo(3);
      assertThat(s.readStream("f-1", 1, Direction.FORWARD, 10).events()).hasSize(3);
    }
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).startsWith(acknowledged.toArray(RecordedEvent[]::new));
      s.append("f-3", ExpectedVersion.ANY, events(1));
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  @Test
  void a_full_disk_refuses_the_append_cleanly_and_the_store_stays_consistent_and_writable() {
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = openFaulty()) {
      s.append("d-1", ExpectedVersion.ANY, events(2));
      long endBefore = LogTesting.dataEnd(LogTesting.lastSegment(dir));
      channels.bytesUntilFull = 100; // the next group gets 100 bytes on disk, then ENOSPC
      assertThatThrownBy(() -> s.append("d-1", ExpectedVersion.ANY, events(5)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("disk is full")
          .hasMessageContaining("nothing of this append was written");
      assertThat(s.headPosition()).isEqualTo(2);
      assertThat(s.streamVersion("d-1")).isEqualTo(2);
      assertThat(LogTesting.size(LogTesting.lastSegment(dir))).as("partial write (and the zeros after it) truncated away")
          .isEqualTo(endBefore);
      channels.bytesUntilFull = -1; // space freed
      s.append("d-1", ExpectedVersion.exactly(2), events(1));
      acknowledged = all(s);
      assertThat(acknowledged).hasSize(3);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).isEqualTo(acknowledged);
      assertThat(s.bytesCutOnOpen()).isZero();
    }
  }

  /**
   * The disk fills up just as the active segment is full: starting the next segment fails. That group
   * is refused as any group on a full disk is, the half-made segment file is taken away, and once space
   * is free the next append starts the segment and succeeds. Before, this was fail-stop until reopened.
   */
  @Test
  void a_full_disk_when_a_new_segment_starts_refuses_the_append_and_the_store_stays_writable() throws Exception {
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = Annals.open(dir, LogOptions.defaults().withWriteChannels(channels).withSegmentBytes(4096))) {
      while (DataDirectory.segmentBases(dir).size() < 2) {
        s.append("d-1", ExpectedVersion.ANY, events(4));
      }
      while (LogTesting.dataEnd(LogTesting.lastSegment(dir)) < 4096) {
        s.append("d-1", ExpectedVersion.ANY, events(4)); // the active segment is full: the next group rolls
      }
      int segmentsBefore = DataDirectory.segmentBases(dir).size();
      long head = s.headPosition();
      channels.bytesUntilFull = 10; // not even a segment header fits
      assertThatThrownBy(() -> s.append("d-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("disk is full")
          .hasMessageContaining("nothing of this append was written");
      assertThat(s.failure()).as("not fail-stop").isEmpty();
      assertThat(s.headPosition()).isEqualTo(head);
      assertThat(DataDirectory.segmentBases(dir)).as("no half-made segment left").hasSize(segmentsBefore);
      channels.bytesUntilFull = -1; // space freed
      s.append("d-1", ExpectedVersion.ANY, events(1));
      assertThat(DataDirectory.segmentBases(dir)).hasSize(segmentsBefore + 1);
      acknowledged = all(s);
      assertThat(acknowledged).hasSize((int) head + 1);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).isEqualTo(acknowledged);
      assertThat(s.bytesCutOnOpen()).isZero();
    }
  }

  /**
   * A full disk may show only when the sealing fsync of a full segment runs (delayed allocation): that
   * fsync failed, so acknowledged pages may be gone, and the store fails-stop instead of refusing the
   * group and fsyncing the same file again on the next roll.
   */
  @Test
  void an_fsync_failing_for_a_full_disk_while_sealing_a_segment_is_fail_stop() throws Exception {
    try (LogEventStore s = Annals.open(dir, LogOptions.defaults().withFsync("never").withWriteChannels(channels)
        .withSegmentBytes(4096))) {
      while (LogTesting.dataEnd(LogTesting.lastSegment(dir)) < 4096) {
        s.append("d-1", ExpectedVersion.ANY, events(4)); // the active segment is full: the next group seals it
      }
      channels.fsyncFailsAsDiskFull = true;
      channels.failFsync = true;
      assertThatThrownBy(() -> s.append("d-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("sealing");
      channels.failFsync = false;
      assertThatThrownBy(() -> s.append("d-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("refuses appends");
      assertThat(s.failure()).isPresent();
    }
  }

  /**
   * An index checkpoint claims only what the writer's own fsyncs put on disk: with fsync=interval the
   * events acknowledged after the last good fsync are not in it, and after a failed fsync no checkpoint
   * is written at all. Otherwise a power loss (simulated: the log cut back to its last good fsync) would
   * leave a log shorter than its checkpoint, which open refuses.
   */
  @Test
  void a_checkpoint_covers_only_what_the_writers_fsyncs_put_on_disk() throws Exception {
    Annals.open(dir).close(); // the store exists: creating its first segment is no fsync of this test's channels
    try (LogEventStore s = Annals.open(dir, LogOptions.defaults().withFsync("interval:20").withWriteChannels(channels))) {
      s.append("i-1", ExpectedVersion.ANY, events(3));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (channels.fsyncs == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5); // the interval fsync of those 3
      }
      assertThat(channels.fsyncs).isPositive();
      long syncedEnd = LogTesting.dataEnd(LogTesting.lastSegment(dir));
      channels.failFsync = true;
      s.append("i-1", ExpectedVersion.ANY, events(2)); // acknowledged at once; its fsync will fail
      while (s.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(s.failure()).isPresent();
      s.checkpointNow();
      assertThat(IndexCheckpoint.read(dir).orElseThrow().head()).as("nothing past the last good fsync").isLessThanOrEqualTo(3);
      s.closeWithoutCheckpoint();
      LogTesting.truncate(LogTesting.lastSegment(dir), syncedEnd); // the power loss takes what was never fsynced
    }
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(s.headPosition()).isEqualTo(3);
    }
  }

  /** With fsync=never a background checkpoint covers what the writer has fsynced (here: what open recovered). */
  @Test
  void with_fsync_never_a_checkpoint_waits_for_the_writers_fsyncs() throws Exception {
    try (LogEventStore s = Annals.open(dir, LogOptions.defaults().withFsync("never").withWriteChannels(channels))) {
      s.append("n-1", ExpectedVersion.ANY, events(3));
      s.checkpointNow();
      assertThat(IndexCheckpoint.read(dir).orElseThrow().head()).isZero();
    }
    assertThat(IndexCheckpoint.read(dir).orElseThrow().head()).as("close fsyncs, then checkpoints").isEqualTo(3);
  }

  /**
   * A new store's first segment is made through the same write channels as every later one: a disk that
   * is full from the start refuses to create the store and leaves no half-made segment file behind.
   */
  @Test
  void a_full_disk_when_a_new_store_creates_its_first_segment_refuses_to_open_and_leaves_no_segment() throws Exception {
    channels.bytesUntilFull = 10; // not even a segment header fits
    assertThatThrownBy(this::openFaulty).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("No space left");
    assertThat(DataDirectory.segmentBases(dir)).isEmpty();
    channels.bytesUntilFull = -1; // space freed
    try (LogEventStore s = openFaulty()) {
      s.append("n-1", ExpectedVersion.ANY, events(1));
      assertThat(s.headPosition()).isEqualTo(1);
    }
  }

  @Test
  void a_write_error_other_than_a_full_disk_is_fail_stop() {
    Annals.open(dir).close(); // the store exists: a disk that fails every write could not create its first segment
    WriteChannel.Factory broken = file -> {
      WriteChannel real = WriteChannel.FILES.open(file);
      return new WriteChannel() {
        @Override
        public void writeFully(java.nio.ByteBuffer src, long position) throws java.io.IOException {
          throw new java.io.IOException("Input/output error");
        }

        @Override
        public void force() throws java.io.IOException {
          real.force();
        }

        @Override
        public void truncate(long size) throws java.io.IOException {
          real.truncate(size);
        }

        @Override
        public void close() throws java.io.IOException {
          real.close();
        }
      };
    };
    try (LogEventStore s = Annals.open(dir, LogOptions.defaults().withWriteChannels(broken))) {
      assertThatThrownBy(() -> s.append("w-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("writing");
      assertThatThrownBy(() -> s.append("w-1", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(s.headPosition()).isZero();
    }
  }

  /**
   * The writer is busy with one group when a second append and then close arrive: close finishes the
   * second append before it stops. If an unexpected error (not an I/O error: a bug, or a channel that
   * throws unchecked) interrupts that last group, its caller is failed like any caller of an interrupted
   * group, never left waiting forever.
   */
  @Test
  void an_unexpected_error_in_the_last_group_close_writes_fails_its_caller_instead_of_leaving_it_waiting()
      throws Exception {
    Annals.open(dir).close(); // the store exists: opening writes nothing through these channels
    CountDownLatch firstGroupWriting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger groupWrites = new AtomicInteger();
    WriteChannel.Factory factory = file -> {
      WriteChannel real = WriteChannel.FILES.open(file);
      return new WriteChannel() {
        @Override
        public void writeFully(ByteBuffer src, long position) throws IOException {
          if (src.hasArray()) { // a group's records (the preallocated zeros are a read-only direct buffer)
            if (groupWrites.incrementAndGet() == 1) {
              firstGroupWriting.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new InterruptedIOException();
              }
            } else {
              throw new IllegalStateException("injected: an unexpected error on the write path");
            }
          }
          real.writeFully(src, position);
        }

        @Override
        public void force() throws IOException {
          real.force();
        }

        @Override
        public void truncate(long size) throws IOException {
          real.truncate(size);
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
    };
    LogEventStore s = Annals.open(dir, LogOptions.defaults().withWriteChannels(factory));
    CompletableFuture<Object> first = new CompletableFuture<>();
    CompletableFuture<Object> second = new CompletableFuture<>();
    Thread a = appender(s, "u-1", first);
    assertThat(firstGroupWriting.await(10, TimeUnit.SECONDS)).isTrue();
    Thread b = appender(s, "u-2", second);
    awaitParked(b); // its append is queued behind the group being written
    Thread closer = Thread.ofPlatform().daemon().start(s::close);
    awaitParked(closer); // the stop is queued behind the second append
    release.countDown();
    assertThat(first).as("the first append is answered").succeedsWithin(Duration.ofSeconds(10));
    assertThat(second).as("the interrupted group's caller is failed, not left waiting")
        .succeedsWithin(Duration.ofSeconds(10))
        .isInstanceOf(StoreUnavailableException.class);
    closer.join(10_000);
    assertThat(closer.isAlive()).as("close returns").isFalse();
    a.join(10_000);
  }

  /** Appends one event on a daemon thread; {@code outcome} gets its result or its exception. */
  private static Thread appender(LogEventStore s, String stream, CompletableFuture<Object> outcome) {
    return Thread.ofPlatform().daemon().start(() -> {
      try {
        outcome.complete(s.append(stream, ExpectedVersion.ANY, events(1)));
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
    });
  }

  /** Waits until {@code t} is parked (waiting on its append's answer, or on the writer to stop). */
  private static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
  }
}
