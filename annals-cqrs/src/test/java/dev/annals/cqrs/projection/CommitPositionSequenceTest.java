package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

class CommitPositionSequenceTest {

  @Test
  void safe_position_stops_below_the_oldest_unfinished_event() {
    CommitPositionSequence s = new CommitPositionSequence(0);
    long t5 = s.dispatch(5);
    long t7 = s.dispatch(7);
    long t9 = s.dispatch(9);
    s.complete(t7);
    s.complete(t9);
    assertThat(s.safePosition()).isEqualTo(4);
    s.complete(t5);
    assertThat(s.safePosition()).isEqualTo(9);
  }

  @Test
  void positions_the_reader_examined_without_dispatching_count_as_processed() {
    CommitPositionSequence s = new CommitPositionSequence(10);
    s.examined(20);
    assertThat(s.safePosition()).isEqualTo(20);
    long t = s.dispatch(25);
    s.examined(30);
    assertThat(s.safePosition()).isEqualTo(24);
    s.complete(t);
    assertThat(s.safePosition()).isEqualTo(30);
  }

  @Test
  void dispatching_out_of_order_is_rejected() {
    CommitPositionSequence s = new CommitPositionSequence(0);
    s.dispatch(3);
    assertThatThrownBy(() -> s.dispatch(3)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Random interleavings of dispatch (increasing positions with gaps), examine and complete (any
   * in-flight event): the safe position is exactly one below the oldest unfinished event, or the
   * highest position seen when none is unfinished; it never passes an unfinished event and never
   * goes back.
   */
  @Property(tries = 300)
  void never_checkpoints_past_an_unprocessed_position(@ForAll("operations") List<Tuple2<Integer, Integer>> ops) {
    CommitPositionSequence s = new CommitPositionSequence(0);
    TreeMap<Long, Long> inFlight = new TreeMap<>(); // position -> ticket
    long next = 0;
    long seen = 0;
    long lastSafe = 0;
    for (Tuple2<Integer, Integer> op : ops) {
      switch (op.get1()) {
        case 0, 1 -> {
          next += 1 + op.get2() % 3;
          inFlight.put(next, s.dispatch(next));
          seen = next;
        }
        case 2 -> {
          if (!inFlight.isEmpty()) {
            List<Long> keys = new ArrayList<>(inFlight.keySet());
            long pos = keys.get(op.get2() % keys.size());
            s.complete(inFlight.remove(pos));
          }
        }
        default -> {
          next += op.get2() % 4;
          s.examined(next);
          seen = next;
        }
      }
      long safe = s.safePosition();
      long expected = inFlight.isEmpty() ? seen : inFlight.firstKey() - 1;
      assertThat(safe).isEqualTo(expected);
      if (!inFlight.isEmpty()) {
        assertThat(safe).isLessThan(inFlight.firstKey());
      }
      assertThat(safe).isGreaterThanOrEqualTo(lastSafe);
      lastSafe = safe;
    }
  }

  @Provide
  Arbitrary<List<Tuple2<Integer, Integer>>> operations() {
    Arbitrary<Tuple2<Integer, Integer>> op = Arbitraries.integers().between(0, 3)
        .flatMap(kind -> Arbitraries.integers().between(0, 1000).map(n -> Tuple.of(kind, n)));
    return op.list().ofMaxSize(3000);
  }

  @Test
  void the_ring_grows_beyond_its_initial_capacity_in_order() {
    CommitPositionSequence s = new CommitPositionSequence(0);
    List<Long> tickets = new ArrayList<>();
    for (long p = 1; p <= 5000; p++) {
      tickets.add(s.dispatch(p));
    }
    for (int i = 4999; i >= 1; i--) {
      s.complete(tickets.get(i));
    }
    assertThat(s.safePosition()).isZero();
    s.complete(tickets.get(0));
    assertThat(s.safePosition()).isEqualTo(5000);
    assertThat(s.inFlight()).isZero();
  }
}
