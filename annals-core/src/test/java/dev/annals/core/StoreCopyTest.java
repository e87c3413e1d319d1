package dev.annals.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The engine-independent copy loop: what it passes on, and which sources it refuses where. */
class StoreCopyTest {

  /** Appends of 1..3 events, chained by {@link ChainHash}. */
  static List<StoredEvent> chained(int appends) {
    List<StoredEvent> out = new ArrayList<>();
    ChainHash chain = new ChainHash();
    byte[] previous = ChainHash.genesis();
    long position = 0;
    for (int a = 0; a < appends; a++) {
      int size = 1 + a % 3;
      for (int i = 0; i < size; i++) {
        position++;
        RecordedEvent e = new RecordedEvent(UUID.randomUUID(), "s", position, position, "T", Json.of("{\"p\":" + position + "}"),
            Json.EMPTY_OBJECT, Instant.ofEpochSecond(1_700_000_000L, 1000 * position), Instant.ofEpochSecond(5, 7));
        previous = new StoredEvent(e, size, i, false, ChainHash.genesis()).computeChain(chain, previous);
        out.add(new StoredEvent(e, size, i, false, previous));
      }
    }
    return out;
  }

  static StoredEventSource source(List<StoredEvent> events) {
    return new StoredEventSource() {
      @Override
      public long forEach(Consumer<StoredEvent> sink) {
        events.forEach(sink);
        return events.size();
      }

      @Override
      public String describe() {
        return "the source";
      }

      @Override
      public void close() { }
    };
  }

  /** Keeps what it is given; its head is the last event's. */
  static final class Collect implements StoredEventTarget {
    final List<StoredEvent> written = new ArrayList<>();
    boolean finished;

    @Override
    public void write(StoredEvent event) {
      written.add(event);
    }

    @Override
    public StoreCopy.Head finish() {
      finished = true;
      return written.isEmpty() ? new StoreCopy.Head(0, ChainHash.hex(ChainHash.genesis()))
          : new StoreCopy.Head(written.size(), ChainHash.hex(written.get(written.size() - 1).chainHash()));
    }

    @Override
    public String describe() {
      return "the list";
    }

    @Override
    public void close() { }
  }

  @Test
  void every_event_is_passed_on_in_order_and_both_heads_are_equal() {
    List<StoredEvent> events = chained(10);
    Collect target = new Collect();
    List<Long> progress = new ArrayList<>();
    StoreCopy.Result r = StoreCopy.copy(source(events), target, progress::add);
    assertThat(target.written).isEqualTo(events);
    assertThat(r.events()).isEqualTo(events.size());
    assertThat(r.same()).isTrue();
    assertThat(r.source().position()).isEqualTo(events.size());
    assertThat(progress).containsExactly((long) events.size());
  }

  @Test
  void a_changed_event_stops_the_copy_at_its_position_before_it_is_written() {
    List<StoredEvent> events = new ArrayList<>(chained(6));
    StoredEvent e = events.get(4);
    RecordedEvent changed = new RecordedEvent(e.event().id(), "s", 5, 5, "T", Json.of("{\"p\":6}"), Json.EMPTY_OBJECT,
        e.event().recordedAt(), e.event().effectiveAt());
    events.set(4, new StoredEvent(changed, e.batchSize(), e.indexInBatch(), e.imported(), e.chainHash()));
    Collect target = new Collect();
    assertThatThrownBy(() -> StoreCopy.copy(source(events), target, StoreCopy.Progress.NONE))
        .isInstanceOf(CopyRefusedException.class)
        .hasMessage("the source: the hash chain is broken at position 5 (the stored hash does not match the event and"
            + " the hash before it). Nothing more was copied; run verify on the source");
    assertThat(target.written).hasSize(4);
    assertThat(target.finished).isFalse();
  }

  @Test
  void a_gap_in_positions_is_refused() {
    List<StoredEvent> events = new ArrayList<>(chained(4));
    events.remove(0);
    assertThatThrownBy(() -> StoreCopy.copy(source(events), new Collect(), StoreCopy.Progress.NONE))
        .isInstanceOf(CopyRefusedException.class)
        .hasMessageStartingWith("the source holds position 2 after 0");
  }

  @Test
  void a_source_ending_inside_an_append_is_not_finished() {
    List<StoredEvent> events = chained(3).subList(0, 4); // appends of 1, 2, 3: the third cut after one event
    Collect target = new Collect();
    assertThatThrownBy(() -> StoreCopy.copy(source(events), target, StoreCopy.Progress.NONE))
        .isInstanceOf(CopyRefusedException.class)
        .hasMessageStartingWith("the source ends inside an append (the event at position 4 is 1 of 3)");
    assertThat(target.finished).isFalse();
  }

  @Test
  void a_stored_event_keeps_its_own_copy_of_the_chain_hash() {
    byte[] hash = new byte[32];
    StoredEvent e = chained(1).get(0);
    StoredEvent s = new StoredEvent(e.event(), 1, 0, false, hash);
    hash[0] = 1;
    s.chainHash()[1] = 1;
    assertThat(s.chainHash()).isEqualTo(new byte[32]);
    assertThatThrownBy(() -> new StoredEvent(e.event(), 2, 2, false, hash)).isInstanceOf(IllegalArgumentException.class);
  }
}
