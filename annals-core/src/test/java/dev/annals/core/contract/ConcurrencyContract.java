package dev.annals.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.AppendResult;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Concurrent appenders (design §2): optimistic concurrency wins each version exactly once. */
public abstract class ConcurrencyContract extends ContractBase {

  @Test
  void concurrent_appenders_with_exact_versions_win_each_version_exactly_once() throws Exception {
    int threads = 8;
    int target = 200;
    List<AppendResult> wins = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          while (true) {
            long v = store.streamVersion("race-1");
            if (v >= target) {
              return;
            }
            try {
              wins.add(store.append("race-1", ExpectedVersion.exactly(v),
                  event("Won", "{\"by\":" + me + ",\"at\":" + v + "}")));
            } catch (WrongExpectedVersionException lost) {
              assertThat(lost.actual()).isGreaterThan(v);
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : workers) {
      th.join();
    }
    assertThat(failures).isEmpty();
    List<RecordedEvent> s = stream("race-1");
    assertThat(s).extracting(RecordedEvent::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, s.size()).boxed().toList());
    assertThat(s.size()).isGreaterThanOrEqualTo(target);
    assertThat(wins).extracting(AppendResult::lastVersion).doesNotHaveDuplicates().hasSize(s.size());
    for (RecordedEvent e : s) {
      assertThat(e.data().toNode().get("at").asLong()).as("event written at the version it expected")
          .isEqualTo(e.version() - 1);
    }
  }

  @Test
  void concurrent_appends_to_many_streams_keep_positions_unique_and_versions_gap_free() throws Exception {
    int threads = 8;
    int perThread = 150;
    Map<String, List<Long>> versionsSeen = new ConcurrentHashMap<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < perThread; i++) {
            String stream = "multi-" + ((me + i) % 5);
            int n = 1 + (i % 3);
            AppendResult r = store.append(stream, ExpectedVersion.ANY, events(n));
            assertThat(r.lastVersion() - r.firstVersion() + 1).isEqualTo(n);
            versionsSeen.computeIfAbsent(stream, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(r.lastVersion());
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : workers) {
      th.join();
    }
    assertThat(failures).isEmpty();
    List<RecordedEvent> log = all();
    Set<Long> positions = new HashSet<>();
    for (RecordedEvent e : log) {
      assertThat(positions.add(e.position())).isTrue();
    }
    if (gapFreePositions()) {
      assertThat(positions).hasSize((int) store.headPosition());
    }
    Map<String, List<RecordedEvent>> byStream = log.stream().collect(Collectors.groupingBy(RecordedEvent::stream));
    byStream.forEach((stream, evs) -> {
      for (int i = 0; i < evs.size(); i++) {
        assertThat(evs.get(i).version()).isEqualTo(i + 1);
      }
      assertThat(store.streamVersion(stream)).isEqualTo(evs.size());
    });
    assertThat(versionsSeen.values().stream().mapToInt(List::size).sum()).isEqualTo(threads * perThread);
  }

  @Test
  void concurrent_retries_of_one_append_write_it_once() throws Exception {
    List<dev.annals.core.EventData> batch = events(3);
    List<AppendResult> results = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
          results.add(store.append("once-1", ExpectedVersion.NO_STREAM, batch));
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : workers) {
      th.join();
    }
    assertThat(failures).isEmpty();
    assertThat(results).hasSize(6).containsOnly(results.get(0));
    assertThat(store.streamVersion("once-1")).isEqualTo(3);
    assertThat(store.headPosition()).isEqualTo(3);
  }
}
