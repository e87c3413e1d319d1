package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model-based (design §8): random appends, reads, clean reopens, crashes (stop without a checkpoint),
 * torn writes at the tail, lost or damaged index files and segment rolls, checked against lists. After
 * every step the store agrees with the model: what was acknowledged is there, nothing else.
 */
class LogCrashModelTest {

  static final List<String> STREAMS = List.of("a-1", "a-2", "b-1");

  sealed interface Step permits Append, ReadStream, ReadAll, Reopen, Crash, TornTail, LoseIndex {}

  record Append(int stream, int count, boolean exact) implements Step {}

  record ReadStream(int stream, int from, boolean backward) implements Step {}

  record ReadAll(int from, boolean backward, int limit) implements Step {}

  record Reopen() implements Step {}

  record Crash() implements Step {}

  /** Crash, then garbage, zeros or a partial record after the last acknowledged byte. */
  record TornTail(int kind, int bytes) implements Step {}

  record LoseIndex(boolean corrupt) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> append = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 6),
        Arbitraries.of(true, false)).as(Append::new);
    Arbitrary<Step> readStream = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 20), Arbitraries.of(true, false)).as(ReadStream::new);
    Arbitrary<Step> readAll = Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.of(true, false),
        Arbitraries.integers().between(1, 30)).as(ReadAll::new);
    Arbitrary<Step> torn = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 200))
        .as(TornTail::new);
    return Arbitraries.frequencyOf(
        Tuple.of(8, append), Tuple.of(2, readStream), Tuple.of(2, readAll), Tuple.of(1, Arbitraries.just(new Reopen())),
        Tuple.of(2, Arbitraries.just(new Crash())), Tuple.of(1, torn), Tuple.of(1, Arbitraries.of(true, false).map(LoseIndex::new)))
        .list().ofMinSize(5).ofMaxSize(35);
  }

  private record Model(List<RecordedEvent> log, Map<String, List<RecordedEvent>> streams) {}

  @Property(tries = 40)
  void the_store_always_agrees_with_the_model_across_crashes_and_reopens(@ForAll("steps") List<Step> steps) {
    Path dir = TestStores.freshDir();
    LogOptions options = LogOptions.defaults().withSegmentBytes(4096).withCheckpointEvery(7);
    Model model = new Model(new ArrayList<>(), new HashMap<>());
    LogEventStore store = Annals.open(dir, options);
    try {
      for (Step step : steps) {
        switch (step) {
          case Append a -> {
            String stream = STREAMS.get(a.stream());
            List<RecordedEvent> s = model.streams().computeIfAbsent(stream, k -> new ArrayList<>());
            List<EventData> events = LogTesting.events(a.count());
            LogEventStore current = store;
            if (a.exact() && !s.isEmpty()) {
              assertThatThrownBy(() -> current.append(stream, ExpectedVersion.exactly(s.size() + 1), events))
                  .isInstanceOf(WrongExpectedVersionException.class);
            }
            AppendResult r = store.append(stream, a.exact() ? ExpectedVersion.exactly(s.size()) : ExpectedVersion.ANY,
                events);
            assertThat(r.firstPosition()).isEqualTo(model.log().size() + 1);
            assertThat(r.firstVersion()).isEqualTo(s.size() + 1);
            List<RecordedEvent> written = store.readAll(r.firstPosition(), Direction.FORWARD, a.count(),
                Filter.everything()).events();
            model.log().addAll(written);
            s.addAll(written);
            assertThat(written).extracting(RecordedEvent::id).containsExactlyElementsOf(
                events.stream().map(EventData::id).toList());
          }
          case ReadStream r -> {
            String stream = STREAMS.get(r.stream());
            List<RecordedEvent> s = model.streams().getOrDefault(stream, List.of());
            var page = r.backward() ? store.readStreamFromEnd(stream, 100)
                : store.readStream(stream, r.from(), Direction.FORWARD, 100);
            List<RecordedEvent> expected = new ArrayList<>();
            if (r.backward()) {
              for (int i = s.size() - 1; i >= 0; i--) {
                expected.add(s.get(i));
              }
            } else {
              for (int i = Math.max(0, r.from() - 1); i < s.size(); i++) {
                expected.add(s.get(i));
              }
            }
            assertThat(page.events()).isEqualTo(expected);
          }
          case ReadAll r -> {
            var page = r.backward() ? store.readAllFromEnd(r.limit(), Filter.everything())
                : store.readAll(Math.max(1, r.from()), Direction.FORWARD, r.limit(), Filter.everything());
            List<RecordedEvent> expected = new ArrayList<>();
            if (r.backward()) {
              for (int i = model.log().size() - 1; i >= 0 && expected.size() < r.limit(); i--) {
                expected.add(model.log().get(i));
              }
            } else {
              for (int i = Math.max(0, r.from() - 1); i < model.log().size() && expected.size() < r.limit(); i++) {
                expected.add(model.log().get(i));
              }
            }
            assertThat(page.events()).isEqualTo(expected);
          }
          case Reopen r -> {
            store.close();
            store = Annals.open(dir, options);
          }
          case Crash c -> {
            store.closeWithoutCheckpoint();
            store = Annals.open(dir, options);
          }
          case TornTail t -> {
            store.closeWithoutCheckpoint();
            Path seg = LogTesting.lastSegment(dir);
            switch (t.kind()) {
              case 0 -> LogTesting.appendBytes(seg, new byte[t.bytes()]);
              case 1 -> {
                // the start of a record that never finished: a plausible length and then nothing
                byte[] partial = new byte[Math.max(4, Math.min(t.bytes(), 60))];
                java.nio.ByteBuffer.wrap(partial).putInt(500);
                LogTesting.appendBytes(seg, partial);
              }
              default -> {
                // a record cut short by the crash: a prefix of a real record
                List<Long> offsets = LogTesting.recordOffsets(seg);
                if (!offsets.isEmpty()) {
                  try {
                    byte[] all = java.nio.file.Files.readAllBytes(seg);
                    int from = (int) (long) offsets.get(offsets.size() - 1);
                    int len = Math.min(all.length - from - 1, t.bytes());
                    if (len > 8) {
                      LogTesting.appendBytes(seg, java.util.Arrays.copyOfRange(all, from, from + len));
                    }
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
              }
            }
            store = Annals.open(dir, options);
          }
          case LoseIndex l -> {
            store.close();
            Path index = dir.resolve(IndexCheckpoint.FILE);
            if (l.corrupt()) {
              LogTesting.flipBit(index, Math.min(LogTesting.size(index) - 1, 90));
            } else {
              index.toFile().delete();
            }
            store = Annals.open(dir, options);
          }
        }
        assertThat(store.headPosition()).isEqualTo(model.log().size());
        for (String s : STREAMS) {
          assertThat(store.streamVersion(s)).isEqualTo(model.streams().getOrDefault(s, List.of()).size());
        }
      }
      assertThat(LogTesting.all(store)).isEqualTo(model.log());
    } finally {
      store.close();
    }
    VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    assertThat(report.problems()).isEmpty();
    assertThat(report.events()).isEqualTo(model.log().size());
    TestStores.deleteTree(dir);
  }
}
