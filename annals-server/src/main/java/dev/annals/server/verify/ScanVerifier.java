package dev.annals.server.verify;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verifier for any engine: reads the whole log once and checks what every engine promises —
 * positions strictly increasing, {@code recordedAt} never decreasing, versions gap-free per stream —
 * and that the count matches the head. It has no hash chain to check ({@code headHash} absent).
 * Thread-safe (stateless).
 */
public final class ScanVerifier implements Verifier {

  private static final int MAX_PROBLEMS = 100;
  private final EventStore store;
  private final boolean gapFreePositions;

  public ScanVerifier(EventStore store, boolean gapFreePositions) {
    this.store = store;
    this.gapFreePositions = gapFreePositions;
  }

  @Override
  public VerifyReport verify() {
    long head = store.headPosition();
    List<String> problems = new ArrayList<>();
    Map<String, Long> versions = new HashMap<>();
    long count = 0;
    long lastPosition = 0;
    Instant lastRecorded = Instant.MIN;
    long from = 1;
    while (from <= head) {
      Page p = store.readAll(from, Direction.FORWARD, 1000, Filter.everything());
      for (RecordedEvent e : p.events()) {
        if (e.position() > head) {
          break;
        }
        count++;
        if (e.position() <= lastPosition) {
          problem(problems, "position " + e.position() + " follows " + lastPosition);
        }
        if (e.recordedAt().isBefore(lastRecorded)) {
          problem(problems, "recordedAt goes back at position " + e.position());
        }
        long expected = versions.getOrDefault(e.stream(), 0L) + 1;
        if (e.version() != expected) {
          problem(problems, "stream '" + e.stream() + "' has version " + e.version() + " where " + expected
              + " was due (position " + e.position() + ")");
        }
        versions.put(e.stream(), e.version());
        lastPosition = e.position();
        lastRecorded = e.recordedAt();
      }
      if (p.end() || p.isEmpty() && p.next() <= from) {
        break;
      }
      from = p.next();
    }
    if (gapFreePositions && count != head) {
      problem(problems, "the head is " + head + " but " + count + " events were read");
    }
    return new VerifyReport(problems.isEmpty(), count, Optional.empty(), problems);
  }

  private static void problem(List<String> problems, String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    }
  }
}
