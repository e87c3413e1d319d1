package dev.annals.log;

import static dev.annals.log.LogTesting.all;
import static dev.annals.log.LogTesting.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code fsync=always} the writer writes the next group while the previous one is being fsynced.
 * An fsync held at a gate keeps groups written but not durable, to show that nothing is published or
 * acknowledged before its fsync, that retries and versions see the groups in flight, and that failures
 * of one group leave the others right.
 */
class PipelinedCommitTest {

  private final Path dir = TestStores.freshDir();
  private final LogTesting.FaultyChannels channels = new LogTesting.FaultyChannels();
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void openTheGate() {
    gate.countDown(); // a failed assertion must not leave the writer blocked
  }

  private LogEventStore open() {
    return Annals.open(dir, LogOptions.defaults().withWriteChannels(channels));
  }

  private static CompletableFuture<AppendResult> appendAsync(LogEventStore s, String stream, ExpectedVersion expected,
      List<EventData> events) {
    return CompletableFuture.supplyAsync(() -> s.append(stream, expected, events),
        r -> Thread.ofPlatform().daemon().start(r));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(2);
    }
  }

  @Test
  void groups_written_during_an_fsync_are_neither_readable_nor_acknowledged_before_their_own_fsync()
      throws Exception {
    try (LogEventStore s = open(); AutoCloseable released = gate::countDown) { // the gate opens before close waits
      s.append("warm", ExpectedVersion.ANY, events(1));
      channels.fsyncGate = gate;
      int writesBefore = channels.writes.get();
      List<EventData> first = events(1);
      CompletableFuture<AppendResult> a = appendAsync(s, "p-1", ExpectedVersion.NO_STREAM, first);
      await("the first group is written", () -> channels.writes.get() > writesBefore);
      int writesAfterFirst = channels.writes.get();
      CompletableFuture<AppendResult> retry = appendAsync(s, "p-1", ExpectedVersion.NO_STREAM, first);
      Thread.sleep(100); // the retry alone makes a group that writes nothing
      assertThat(retry).as("a retry of an event in flight is answered only once it is durable").isNotDone();
      CompletableFuture<AppendResult> next = appendAsync(s, "p-1", ExpectedVersion.exactly(1), events(1));
      await("a second group is written while the first one's fsync is held",
          () -> channels.writes.get() > writesAfterFirst);
      Thread.sleep(100); // room for a wrong early answer to show
      assertThat(a).isNotDone();
      assertThat(retry).as("a retry of an event in flight is answered only once it is durable").isNotDone();
      assertThat(next).isNotDone();
      assertThat(s.streamVersion("p-1")).as("nothing is readable before its fsync").isZero();
      assertThat(s.headPosition()).isEqualTo(1);

      gate.countDown();
      AppendResult firstResult = a.get(10, TimeUnit.SECONDS);
      assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(firstResult);
      AppendResult nextResult = next.get(10, TimeUnit.SECONDS);
      assertThat(firstResult.firstVersion()).isEqualTo(1);
      assertThat(nextResult.firstVersion()).as("versions see the group in flight").isEqualTo(2);
      assertThat(nextResult.firstPosition()).isEqualTo(firstResult.lastPosition() + 1);
      assertThat(s.streamVersion("p-1")).isEqualTo(2);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
  }

  /**
   * An append is stamped when the writer stages it and readable only after its fsync. A known-at
   * question about a past T asked in between must not answer without it and then, once it is
   * published, with it: the answer about a past time must be final.
   */
  @Test
  void a_known_at_answer_about_a_past_time_waits_for_the_events_stamped_before_it() throws Exception {
    try (LogEventStore s = open(); AutoCloseable released = gate::countDown) { // the gate opens before close waits
      s.append("warm", ExpectedVersion.ANY, events(1));
      channels.fsyncGate = gate;
      int writesBefore = channels.writes.get();
      CompletableFuture<AppendResult> a = appendAsync(s, "k-1", ExpectedVersion.ANY, events(1));
      await("the group is written (and stamped)", () -> channels.writes.get() > writesBefore);
      Thread.sleep(5);
      java.time.Instant t = java.time.Instant.now().minusMillis(1); // past, and after the stamp
      CompletableFuture<Long> position = CompletableFuture.supplyAsync(() -> s.positionAt(t),
          r -> Thread.ofPlatform().daemon().start(r));
      CompletableFuture<dev.annals.core.Page> view = CompletableFuture.supplyAsync(
          () -> dev.annals.core.TimeViews.knownAt(s, "k-1", t, dev.annals.core.Direction.FORWARD, 1, 10),
          r -> Thread.ofPlatform().daemon().start(r));
      Thread.sleep(100); // room for a wrong early answer to show
      assertThat(position).as("positionAt(T) waits for the event stamped before T").isNotDone();
      assertThat(view).as("the known-at view waits too").isNotDone();
      assertThat(s.positionAt(java.time.Instant.now().plusSeconds(60)))
          .as("an instant not yet past does not wait").isEqualTo(2);

      gate.countDown();
      AppendResult written = a.get(10, TimeUnit.SECONDS);
      assertThat(written.recordedAt()).isBefore(t);
      assertThat(position.get(10, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(view.get(10, TimeUnit.SECONDS).events()).extracting(RecordedEvent::position).containsExactly(2L);
      assertThat(s.positionAt(t)).as("and the answer stays").isEqualTo(3);
    }
  }

  @Test
  void a_full_disk_refuses_only_its_own_group_while_an_earlier_one_is_in_flight() throws Exception {
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = open(); AutoCloseable released = gate::countDown) { // the gate opens before close waits
      channels.fsyncGate = gate;
      int writesBefore = channels.writes.get();
      CompletableFuture<AppendResult> a = appendAsync(s, "q-1", ExpectedVersion.ANY, events(2));
      await("the first group is written", () -> channels.writes.get() > writesBefore);
      channels.bytesUntilFull = 50;
      assertThatThrownBy(() -> s.append("q-1", ExpectedVersion.ANY, events(3)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("disk is full");
      channels.bytesUntilFull = -1;
      gate.countDown();
      AppendResult first = a.get(10, TimeUnit.SECONDS);
      assertThat(first.lastVersion()).isEqualTo(2);
      AppendResult after = s.append("q-1", ExpectedVersion.exactly(2), events(1));
      assertThat(after.firstVersion()).as("the refused group's versions were taken back").isEqualTo(3);
      assertThat(after.firstPosition()).isEqualTo(first.lastPosition() + 1);
      acknowledged = all(s);
      assertThat(acknowledged).hasSize(3);
    }
    assertThat(LogVerifier.verify(dir, LogVerifier.Progress.NONE).ok()).isTrue();
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).isEqualTo(acknowledged);
    }
  }

  /** Appends one event to {@code stream} and returns once its group is written, its fsync held at the gate, to fail. */
  private CompletableFuture<AppendResult> writtenWithItsFsyncHeldToFail(LogEventStore s, String stream)
      throws InterruptedException {
    channels.fsyncGate = gate;
    channels.failFsync = true;
    int writesBefore = channels.writes.get();
    CompletableFuture<AppendResult> a = appendAsync(s, stream, ExpectedVersion.ANY, events(1));
    await("the first group is written", () -> channels.writes.get() > writesBefore);
    return a;
  }

  @Test
  void a_failed_fsync_fails_every_group_in_flight_and_stops_the_store() throws Exception {
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = open(); AutoCloseable released = gate::countDown) { // the gate opens before close waits
      s.append("r-0", ExpectedVersion.ANY, events(1));
      acknowledged = all(s);
      CompletableFuture<AppendResult> a = writtenWithItsFsyncHeldToFail(s, "r-1");
      int writesAfterFirst = channels.writes.get();
      CompletableFuture<AppendResult> b = appendAsync(s, "r-2", ExpectedVersion.ANY, events(1));
      await("the second group is written", () -> channels.writes.get() > writesAfterFirst);
      gate.countDown();
      for (CompletableFuture<AppendResult> f : List.of(a, b)) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("fsync");
      }
      assertThat(s.failure()).isPresent();
      assertThat(all(s)).as("readers never saw the groups whose fsync failed").isEqualTo(acknowledged);
      assertThatThrownBy(() -> s.append("r-3", ExpectedVersion.ANY, events(1)))
          .isInstanceOf(StoreUnavailableException.class);
    }
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).startsWith(acknowledged.toArray(RecordedEvent[]::new));
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a group left waiting would hang close()
  void a_group_being_written_when_the_fsync_fails_is_refused_not_left_waiting() throws Exception {
    CountDownLatch writes = new CountDownLatch(1);
    List<RecordedEvent> acknowledged;
    try (LogEventStore s = open(); AutoCloseable released = () -> { gate.countDown(); writes.countDown(); }) {
      s.append("w-0", ExpectedVersion.ANY, events(1));
      acknowledged = all(s);
      CompletableFuture<AppendResult> a = writtenWithItsFsyncHeldToFail(s, "w-1");
      int writesAfterFirst = channels.writes.get();
      channels.writeGate = writes;
      CompletableFuture<AppendResult> b = appendAsync(s, "w-2", ExpectedVersion.ANY, events(1));
      await("the second group's write has begun", () -> channels.writes.get() > writesAfterFirst);
      gate.countDown(); // the syncer's fsync (covering only the first group) fails while the second is written
      await("the fsync has failed", () -> channels.failedFsyncs.get() > 0);
      writes.countDown();
      for (CompletableFuture<AppendResult> f : List.of(a, b)) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("fsync");
      }
      assertThat(all(s)).isEqualTo(acknowledged);
    }
    try (LogEventStore s = Annals.open(dir)) {
      assertThat(all(s)).startsWith(acknowledged.toArray(RecordedEvent[]::new));
    }
  }

  @Test
  void every_write_path_fsync_is_reported_with_its_duration() throws Exception {
    java.util.Queue<Long> reported = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (LogEventStore s = open()) {
      s.onFsync(reported::add);
      long before = s.fsyncs();
      channels.fsyncGate = gate;
      int writesBefore = channels.writes.get();
      CompletableFuture<AppendResult> a = appendAsync(s, "f-1", ExpectedVersion.ANY, events(1));
      await("the group is written", () -> channels.writes.get() > writesBefore);
      Thread.sleep(50); // its fsync is held at the gate for about this long
      gate.countDown();
      a.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 5; i++) {
        s.append("f-2", ExpectedVersion.ANY, events(1));
      }
      assertThat(reported).hasSize((int) (s.fsyncs() - before)).allMatch(n -> n > 0);
      assertThat(reported.peek()).as("the first fsync waited at the gate").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Test
  void a_failing_fsync_listener_does_not_stop_the_store() throws Exception {
    try (LogEventStore s = open()) {
      s.onFsync(nanos -> {
        throw new IllegalStateException("the metrics broke");
      });
      for (int i = 0; i < 3; i++) {
        s.append("l-1", ExpectedVersion.ANY, events(1));
      }
      assertThat(s.failure()).isEmpty();
      assertThat(s.streamVersion("l-1")).isEqualTo(3);
    }
  }

  @Test
  void close_waits_for_the_groups_in_flight() throws Exception {
    LogEventStore s = open();
    channels.fsyncGate = gate;
    int writesBefore = channels.writes.get();
    CompletableFuture<AppendResult> a = appendAsync(s, "c-1", ExpectedVersion.ANY, events(1));
    await("the group is written", () -> channels.writes.get() > writesBefore);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close, r -> Thread.ofPlatform().daemon().start(r));
    Thread.sleep(100);
    assertThat(closing).isNotDone();
    gate.countDown();
    closing.get(10, TimeUnit.SECONDS);
    assertThat(a.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS).lastVersion()).isEqualTo(1);
    try (LogEventStore reopened = Annals.open(dir)) {
      assertThat(reopened.streamVersion("c-1")).isEqualTo(1);
    }
  }
}
