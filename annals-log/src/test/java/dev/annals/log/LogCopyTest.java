package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.ChainHash;
import dev.annals.core.CopyRefusedException;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.StoreCopy;
import dev.annals.core.StoredEvent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A whole log read out in order, and written offline into a new directory that opens as the same store. */
class LogCopyTest {

  private static final LogOptions SMALL = LogOptions.defaults().withSegmentBytes(4096);

  /** Appends of 1..5 events over four streams and two imports; small segments so they roll. */
  private static Path filled() {
    Path dir = TestStores.freshDir();
    try (LogEventStore store = Annals.open(dir, SMALL)) {
      store.importEvents(List.of(new ImportEvent("old-1", EventData.of("Was", "{}"), Instant.parse("2020-01-01T00:00:00Z")),
          new ImportEvent("old-2", EventData.of("Was", "{\"x\":1}"), Instant.parse("2020-01-02T00:00:00Z"))));
      for (int i = 0; i < 60; i++) {
        store.append("s-" + (i % 4), ExpectedVersion.ANY, LogTesting.events(1 + i % 5));
      }
    }
    return dir;
  }

  private static List<StoredEvent> read(Path dir) {
    List<StoredEvent> out = new ArrayList<>();
    try (LogEventSource s = LogEventSource.open(dir)) {
      s.forEach(out::add);
    }
    return out;
  }

  @Test
  void a_log_copied_into_a_new_directory_holds_the_same_events_and_head_and_takes_appends() throws Exception {
    Path source = filled();
    List<StoredEvent> events = read(source);
    Path target = TestStores.freshDir().resolve("copy");
    StoreCopy.Result r;
    try (LogEventSource from = LogEventSource.open(source); LogEventTarget to = LogEventTarget.create(target, SMALL)) {
      r = StoreCopy.copy(from, to, StoreCopy.Progress.NONE);
    }
    assertThat(r.same()).isTrue();
    assertThat(r.target().hash()).isEqualTo(ChainHash.hex(events.get(events.size() - 1).chainHash()));
    assertThat(read(target)).containsExactlyElementsOf(events);
    assertThat(DataDirectory.segmentBases(target)).hasSizeGreaterThan(1);
    assertThat(Files.exists(target.resolve(IndexCheckpoint.FILE))).isTrue();
    try (LogEventStore copy = Annals.open(target, SMALL)) {
      assertThat(LogTesting.all(copy)).isEqualTo(events.stream().map(StoredEvent::event).toList());
      assertThat(copy.append("s-0", ExpectedVersion.exactly(copy.readStreamFromEnd("s-0", 1).events().get(0).version()),
          LogTesting.events(1)).firstPosition()).isEqualTo(events.size() + 1);
    }
  }

  @Test
  void an_empty_store_copies_to_an_empty_store() {
    Path source = TestStores.freshDir();
    Annals.open(source).close();
    Path target = TestStores.freshDir();
    try (LogEventSource from = LogEventSource.open(source); LogEventTarget to = LogEventTarget.create(target, SMALL)) {
      StoreCopy.Result r = StoreCopy.copy(from, to, StoreCopy.Progress.NONE);
      assertThat(r.target()).isEqualTo(new StoreCopy.Head(0, "0".repeat(64)));
      assertThat(r.same()).isTrue();
    }
    assertThat(Annals.holdsLog(target)).isTrue();
  }

  @Test
  void a_directory_holding_a_store_or_a_file_is_refused_untouched() throws Exception {
    Path store = filled();
    List<String> before = names(store);
    assertThatThrownBy(() -> LogEventTarget.create(store, SMALL))
        .isInstanceOf(CopyRefusedException.class)
        .hasMessageEndingWith("is not empty (it holds a store); a copy only fills a new or empty directory, and"
            + " nothing was written");
    assertThat(names(store)).isEqualTo(before);
    Path file = Files.writeString(TestStores.freshDir().resolve("f"), "x");
    assertThatThrownBy(() -> LogEventTarget.create(file, SMALL))
        .isInstanceOf(CopyRefusedException.class)
        .hasMessageContaining("is a file, not a directory");
  }

  @Test
  void a_copy_closed_before_it_finished_leaves_no_directory_behind() {
    Path source = filled();
    Path target = TestStores.freshDir().resolve("never");
    try (LogEventTarget to = LogEventTarget.create(target, SMALL)) {
      read(source).subList(0, 30).forEach(to::write);
    }
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void a_source_ending_in_a_torn_tail_is_refused_and_not_cut() throws Exception {
    Path source = filled();
    Path last = LogTesting.lastSegment(source);
    long size;
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      size = ch.size();
      ByteBuffer torn = ByteBuffer.allocate(30).putInt(500).putInt(7);
      while (torn.hasRemaining()) {
        torn.put((byte) 1);
      }
      ch.write(torn.flip(), size);
    }
    try (LogEventSource from = LogEventSource.open(source)) {
      assertThatThrownBy(() -> from.forEach(e -> { }))
          .isInstanceOf(CopyRefusedException.class)
          .hasMessageContaining("at byte " + size + ": the log ends in an unacknowledged torn tail");
    }
    assertThat(Files.size(last)).isEqualTo(size + 30);
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
