package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PostgreSQL read side answers every read exactly as the in-memory reference engine does, over the
 * same log: pages (events, next, end) in both directions from every interesting start, with every kind
 * of filter, and the stream listing. Rows are written with plain JDBC ({@link RowWriter}).
 */
@ExtendWith(TestPostgres.class)
class PgReadsMatchInMemoryTest {

  private static final List<String> STREAMS = List.of("account-1", "account-2", "order-1", "$snapshot-account-1",
      "accountant-1", "acc-1", "account", "b-1", "a_%-1");
  private static final List<String> TYPES = List.of("Opened", "Deposited", "Closed");

  private static RowWriter rows;
  private static ReadSide pg;
  private static InMemoryEventStore memory;

  @BeforeAll
  static void writeTheSameLogToBoth(LocalPostgres server) {
    rows = RowWriter.create(server, server.createDatabase());
    pg = rows.readSide();
    memory = new InMemoryEventStore();
    int n = 0;
    for (int round = 0; round < 4; round++) {
      for (int s = 0; s < STREAMS.size(); s++) {
        int size = 1 + (round + s) % 3;
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          n++;
          EventData e = EventData.of(TYPES.get(n % TYPES.size()), "{\"n\":" + n + "}").withId(UUID.randomUUID());
          if (n % 5 == 0) {
            e = e.withMetadata(Json.of("{\"actor\":\"a\",\"k\":" + n + "}"))
                .withEffectiveAt(Instant.parse("2021-03-04T05:06:07.123456789Z").plusSeconds(n));
          }
          events.add(e);
        }
        if ((round + s) % 4 != 3) { // some streams skip a round: streams interleave unevenly
          memory.append(STREAMS.get(s), ExpectedVersion.ANY, events);
          rows.append(STREAMS.get(s), events);
        }
      }
    }
  }

  @AfterAll
  static void close() {
    pg.close();
    rows.close();
    memory.close();
  }

  private static List<Filter> filters() {
    return List.of(Filter.all(), Filter.everything(), Filter.category("account"), Filter.prefix("acc"),
        Filter.types("Opened", "Closed"), Filter.category("account").withTypes(Set.of("Deposited")),
        Filter.category("$snapshot").withSystem(), Filter.category("$snapshot"), Filter.prefix("a_%"),
        Filter.category("nothing"), Filter.prefix("account-").withCategory("account").withSystem());
  }

  @Test
  void read_all_pages_match_the_reference_in_both_directions_with_every_filter() {
    long head = memory.headPosition();
    assertThat(pg.headPosition()).isEqualTo(head).isGreaterThan(40);
    List<Long> froms = List.of(Long.MIN_VALUE, -1L, 0L, 1L, 2L, 7L, head / 2, head - 1, head, head + 1, head + 9,
        Long.MAX_VALUE);
    int checked = 0;
    for (Filter filter : filters()) {
      for (Direction direction : Direction.values()) {
        for (long from : froms) {
          for (int limit : List.of(1, 2, 3, 7, 100, 10_000)) {
            Page expected = memory.readAll(from, direction, limit, filter);
            Page actual = pg.readAll(from, direction, limit, filter);
            assertSamePage(actual, expected, filter + " " + direction + " from " + from + " limit " + limit);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(11 * 2 * 12 * 6);
  }

  @Test
  void paging_through_the_log_with_next_visits_the_same_pages() {
    for (Filter filter : filters()) {
      for (Direction direction : Direction.values()) {
        long from = direction == Direction.FORWARD ? 1 : Long.MAX_VALUE;
        while (true) {
          Page expected = memory.readAll(from, direction, 4, filter);
          assertSamePage(pg.readAll(from, direction, 4, filter), expected, filter + " " + direction + " " + from);
          if (expected.end()) {
            break;
          }
          from = expected.next();
        }
      }
    }
  }

  @Test
  void stream_pages_match_the_reference_in_both_directions() {
    List<String> streams = new ArrayList<>(STREAMS);
    streams.add("never-written");
    for (String stream : streams) {
      long last = memory.streamVersion(stream);
      assertThat(pg.streamVersion(stream)).as(stream).isEqualTo(last);
      for (Direction direction : Direction.values()) {
        for (long from : List.of(Long.MIN_VALUE, -1L, 0L, 1L, 2L, last - 1, last, last + 1, Long.MAX_VALUE)) {
          for (int limit : List.of(1, 2, 5, 10_000)) {
            assertSamePage(pg.readStream(stream, from, direction, limit), memory.readStream(stream, from, direction, limit),
                stream + " " + direction + " from " + from + " limit " + limit);
          }
        }
      }
    }
  }

  @Test
  void stream_listings_match_the_reference() {
    List<StreamQuery> queries = new ArrayList<>();
    for (StreamQuery q : List.of(StreamQuery.all(), StreamQuery.prefix("acc"), StreamQuery.prefix("account"),
        StreamQuery.prefix("$"), StreamQuery.prefix("$snap"), StreamQuery.all().withCategory("account"),
        StreamQuery.prefix("acc").withCategory("account"), StreamQuery.prefix("account-").withCategory("order"),
        StreamQuery.all().withCategory("$snapshot"), StreamQuery.prefix("a_%"), StreamQuery.prefix("zzz"))) {
      queries.add(q);
      for (String after : List.of("", "a", "account-1", "accountant-1", "b", "$", "zzzz")) {
        queries.add(q.startingAfter(after));
      }
    }
    for (StreamQuery q : queries) {
      for (int limit : List.of(1, 2, 3, 100)) {
        List<StreamInfo> expected = memory.listStreams(q, limit);
        List<StreamInfo> actual = pg.listStreams(q, limit);
        assertThat(actual).as(q + " limit " + limit).extracting(StreamInfo::stream)
            .containsExactlyElementsOf(expected.stream().map(StreamInfo::stream).toList());
        assertThat(actual).as(q + " limit " + limit).extracting(StreamInfo::version, StreamInfo::lastPosition)
            .containsExactlyElementsOf(expected.stream()
                .map(i -> org.assertj.core.groups.Tuple.tuple(i.version(), i.lastPosition())).toList());
      }
    }
  }

  @Test
  void a_listed_stream_shows_when_its_last_event_was_recorded() {
    StreamInfo info = pg.listStreams(StreamQuery.prefix("order-"), 1).getFirst();
    RecordedEvent last = pg.readStream("order-1", Long.MAX_VALUE, Direction.BACKWARD, 1).events().getFirst();
    assertThat(info.lastRecordedAt()).isEqualTo(last.recordedAt());
    assertThat(info.lastPosition()).isEqualTo(last.position());
  }

  @Test
  void effective_times_keep_their_nanoseconds_and_default_to_the_recorded_time() {
    for (RecordedEvent e : pg.readAll(1, Direction.FORWARD, 10_000, Filter.everything()).events()) {
      RecordedEvent reference = memory.readAll(e.position(), Direction.FORWARD, 1, Filter.everything()).events().getFirst();
      if (e.metadata().size() > 2) {
        assertThat(e.effectiveAt()).isEqualTo(reference.effectiveAt());
        assertThat(e.effectiveAt().getNano() % 1000).isEqualTo(789);
      } else {
        assertThat(e.effectiveAt()).isEqualTo(e.recordedAt());
      }
      assertThat(e.recordedAt().getNano() % 1000).isZero();
    }
  }

  @Test
  void reads_reject_bad_limits_and_stream_names_like_the_reference() {
    assertThatThrownBy(() -> pg.readAll(1, Direction.FORWARD, 0, Filter.all()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> pg.readAll(1, Direction.FORWARD, 10_001, Filter.all()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> pg.readStream("a/b", 1, Direction.FORWARD, 10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stream name");
    assertThatThrownBy(() -> pg.listStreams(StreamQuery.all(), 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> pg.listStreams(StreamQuery.all(), 10_001)).isInstanceOf(InvalidInputException.class);
  }

  private static void assertSamePage(Page actual, Page expected, String what) {
    assertThat(actual.next()).as(what + ": next").isEqualTo(expected.next());
    assertThat(actual.end()).as(what + ": end").isEqualTo(expected.end());
    assertThat(actual.events()).as(what + ": events").extracting(PgReadsMatchInMemoryTest::logical)
        .containsExactlyElementsOf(expected.events().stream().map(PgReadsMatchInMemoryTest::logical).toList());
  }

  /** What both engines must agree on (recordedAt is each engine's own clock). */
  private static List<Object> logical(RecordedEvent e) {
    return List.of(e.id(), e.stream(), e.version(), e.position(), e.type(), e.data(), e.metadata());
  }
}
