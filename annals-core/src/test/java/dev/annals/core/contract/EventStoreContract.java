package dev.annals.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.PayloadTooLargeException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.WrongExpectedVersionException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of design §2 for appends, reads, imports and time lookups, as one suite every engine
 * extends. Subscriptions and concurrency live in {@link SubscriptionContract} and
 * {@link ConcurrencyContract}. Engines must be created with {@code Limits.defaults()}.
 */
public abstract class EventStoreContract extends ContractBase {

  // ---- append ---------------------------------------------------------------------------------------

  @Test
  void append_to_a_new_stream_starts_at_version_1_and_position_1() {
    AppendResult r = store.append("account-1", ExpectedVersion.NO_STREAM, events(3));
    assertThat(r.stream()).isEqualTo("account-1");
    assertThat(r.firstVersion()).isEqualTo(1);
    assertThat(r.lastVersion()).isEqualTo(3);
    assertThat(r.firstPosition()).isEqualTo(1);
    assertThat(r.lastPosition()).isEqualTo(3);
    assertThat(store.streamVersion("account-1")).isEqualTo(3);
    assertThat(store.headPosition()).isEqualTo(3);
  }

  @Test
  void recorded_events_carry_stream_version_position_times_and_the_written_fields() {
    UUID id = UUID.randomUUID();
    Instant effective = Instant.parse("2026-03-15T14:47:00.123456Z");
    EventData e = new EventData(id, "Deposited", Json.of("{\"amount\":10}"),
        Json.of("{\"actor\":\"alice\",\"custom\":[1,2]}"), Optional.of(effective));
    AppendResult r = store.append("account-1", ExpectedVersion.ANY, e);
    RecordedEvent got = stream("account-1").get(0);
    assertThat(got.id()).isEqualTo(id);
    assertThat(got.stream()).isEqualTo("account-1");
    assertThat(got.version()).isEqualTo(1);
    assertThat(got.position()).isEqualTo(r.firstPosition());
    assertThat(got.type()).isEqualTo("Deposited");
    assertThat(got.data().toNode()).isEqualTo(Json.of("{\"amount\":10}").toNode());
    assertThat(got.metadata().toNode()).isEqualTo(Json.of("{\"actor\":\"alice\",\"custom\":[1,2]}").toNode());
    assertThat(got.recordedAt()).isEqualTo(r.recordedAt());
    assertThat(got.effectiveAt()).isEqualTo(effective);
    assertThat(got.category()).isEqualTo("account");
  }

  @Test
  void effective_time_defaults_to_recorded_time() {
    store.append("s-1", ExpectedVersion.ANY, event(1));
    RecordedEvent got = stream("s-1").get(0);
    assertThat(got.effectiveAt()).isEqualTo(got.recordedAt());
  }

  @Test
  void recorded_time_is_shared_by_an_append_and_never_decreases_along_position() {
    AppendResult a = store.append("s-1", ExpectedVersion.ANY, events(5));
    store.append("s-2", ExpectedVersion.ANY, events(5));
    store.append("s-1", ExpectedVersion.ANY, events(5));
    List<RecordedEvent> log = all();
    assertThat(log.subList(0, 5)).allSatisfy(e -> assertThat(e.recordedAt()).isEqualTo(a.recordedAt()));
    for (int i = 1; i < log.size(); i++) {
      assertThat(log.get(i).recordedAt()).isAfterOrEqualTo(log.get(i - 1).recordedAt());
      assertThat(log.get(i).position()).isGreaterThan(log.get(i - 1).position());
    }
  }

  @Test
  void recorded_time_has_at_most_microsecond_precision() {
    store.append("s-1", ExpectedVersion.ANY, event(1));
    Instant t = stream("s-1").get(0).recordedAt();
    assertThat(t.truncatedTo(ChronoUnit.MICROS)).isEqualTo(t);
  }

  @Test
  void data_may_be_any_json_value() {
    List<String> values = List.of("[1,2,3]", "\"text\"", "42", "null", "true", "{\"a\":{\"b\":[null]}}");
    for (String v : values) {
      store.append("s-json", ExpectedVersion.ANY, event("Any", v));
    }
    assertThat(stream("s-json")).extracting(e -> e.data().toNode())
        .containsExactlyElementsOf(values.stream().map(v -> Json.of(v).toNode()).toList());
  }

  @Test
  void positions_of_one_append_are_consecutive_and_in_order() {
    store.append("a-1", ExpectedVersion.ANY, events(2));
    AppendResult r = store.append("a-2", ExpectedVersion.ANY, events(4));
    List<RecordedEvent> s = stream("a-2");
    assertThat(s).extracting(RecordedEvent::version).containsExactly(1L, 2L, 3L, 4L);
    assertThat(s).extracting(e -> e.data().toNode().get("n").asInt()).containsExactly(0, 1, 2, 3);
    if (gapFreePositions()) {
      assertThat(s).extracting(RecordedEvent::position).containsExactly(3L, 4L, 5L, 6L);
    }
    assertThat(r.lastPosition()).isEqualTo(s.get(3).position());
  }

  @Test
  void no_stream_is_rejected_when_the_stream_exists_with_the_actual_version() {
    store.append("s-1", ExpectedVersion.ANY, events(2));
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.NO_STREAM, event(9)))
        .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
          assertThat(e.actual()).isEqualTo(2);
          assertThat(e.expected()).isEqualTo(ExpectedVersion.NO_STREAM);
          assertThat(e.stream()).isEqualTo("s-1");
          assertThat(e.code()).isEqualTo("wrong_expected_version");
        });
    assertThat(store.streamVersion("s-1")).isEqualTo(2);
  }

  @Test
  void exists_is_rejected_for_a_stream_without_events() {
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.EXISTS, event(1)))
        .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isZero());
    store.append("s-1", ExpectedVersion.ANY, event(1));
    assertThat(store.append("s-1", ExpectedVersion.EXISTS, event(2)).lastVersion()).isEqualTo(2);
  }

  @Test
  void exact_version_must_match_the_last_version() {
    store.append("s-1", ExpectedVersion.ANY, events(3));
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(2), event(9)))
        .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isEqualTo(3));
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(4), event(9)))
        .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isEqualTo(3));
    assertThat(store.append("s-1", ExpectedVersion.exactly(3), event(4)).lastVersion()).isEqualTo(4);
    assertThat(store.streamVersion("s-1")).isEqualTo(4);
  }

  @Test
  void exact_version_zero_means_no_stream() {
    assertThat(store.append("s-1", ExpectedVersion.exactly(0), event(1)).lastVersion()).isEqualTo(1);
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(0), event(2)))
        .isInstanceOf(WrongExpectedVersionException.class);
  }

  @Test
  void any_appends_whatever_the_version() {
    store.append("s-1", ExpectedVersion.ANY, event(1));
    store.append("s-1", ExpectedVersion.ANY, event(2));
    assertThat(store.streamVersion("s-1")).isEqualTo(2);
  }

  // ---- idempotency ----------------------------------------------------------------------------------

  @Test
  void retry_with_exact_expected_version_returns_the_original_result_and_writes_nothing() {
    List<EventData> batch = events(3);
    AppendResult first = store.append("s-1", ExpectedVersion.NO_STREAM, batch);
    store.append("s-1", ExpectedVersion.exactly(3), event(4));
    AppendResult retry = store.append("s-1", ExpectedVersion.NO_STREAM, batch);
    assertThat(retry).isEqualTo(first);
    assertThat(store.streamVersion("s-1")).isEqualTo(4);
    assertThat(store.headPosition()).isEqualTo(4);
  }

  @Test
  void retry_with_exact_nonzero_expected_version_returns_the_original_result() {
    store.append("s-1", ExpectedVersion.ANY, events(2));
    List<EventData> batch = events(2);
    AppendResult first = store.append("s-1", ExpectedVersion.exactly(2), batch);
    AppendResult retry = store.append("s-1", ExpectedVersion.exactly(2), batch);
    assertThat(retry).isEqualTo(first);
    assertThat(store.streamVersion("s-1")).isEqualTo(4);
  }

  @Test
  void retry_with_any_returns_the_original_result_and_writes_nothing() {
    List<EventData> batch = events(2);
    AppendResult first = store.append("s-1", ExpectedVersion.ANY, batch);
    store.append("s-2", ExpectedVersion.ANY, event(7));
    AppendResult retry = store.append("s-1", ExpectedVersion.ANY, batch);
    assertThat(retry).isEqualTo(first);
    assertThat(store.headPosition()).isEqualTo(first.lastPosition() + 1);
  }

  @Test
  void a_mix_of_written_and_new_ids_is_an_idempotency_conflict_and_writes_nothing() {
    List<EventData> batch = events(2);
    store.append("s-1", ExpectedVersion.ANY, batch);
    List<EventData> mixed = List.of(batch.get(0), batch.get(1), event(3));
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, mixed))
        .isInstanceOf(IdempotencyConflictException.class));
    List<EventData> newFirst = List.of(event(3), batch.get(1));
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, newFirst))
        .isInstanceOf(IdempotencyConflictException.class));
  }

  @Test
  void part_of_an_earlier_append_is_an_idempotency_conflict() {
    List<EventData> batch = events(3);
    store.append("s-1", ExpectedVersion.NO_STREAM, batch);
    assertUnchanged(() -> assertThatThrownBy(
        () -> store.append("s-1", ExpectedVersion.NO_STREAM, batch.subList(0, 2)))
        .isInstanceOfSatisfying(IdempotencyConflictException.class,
            e -> assertThat(e.code()).isEqualTo("idempotency_conflict")));
  }

  @Test
  void an_id_written_to_another_stream_is_an_idempotency_conflict() {
    EventData e = event(1);
    store.append("s-1", ExpectedVersion.ANY, e);
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-2", ExpectedVersion.ANY, e))
        .isInstanceOf(IdempotencyConflictException.class));
  }

  // ---- bad input ------------------------------------------------------------------------------------

  @Test
  void hostile_stream_names_are_rejected_and_nothing_is_written() {
    store.append("ok-1", ExpectedVersion.ANY, event(0));
    List<String> bad = List.of("", "a/b", "tab\there", "nul\u0000", "bell\u0007", "x".repeat(257),
        "é".repeat(129), "line\nbreak");
    for (String name : bad) {
      assertUnchanged(() -> assertThatThrownBy(() -> store.append(name, ExpectedVersion.ANY, event(1)))
          .as("stream name %s", name.length() > 20 ? name.substring(0, 20) + "..." : name)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("stream name"));
    }
    assertThat(store.append("x".repeat(256), ExpectedVersion.ANY, event(1)).lastVersion()).isEqualTo(1);
  }

  @Test
  void bad_event_types_are_rejected_with_the_rule() {
    for (String type : List.of("", "has space", "slash/type", "t".repeat(129), "émoji")) {
      assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, event(type, "{}")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("type"));
    }
    store.append("s-1", ExpectedVersion.ANY, event("a.B_c:d-9", "{}"));
    assertThat(store.streamVersion("s-1")).isEqualTo(1);
  }

  @Test
  void an_event_over_the_size_limit_is_payload_too_large_and_nothing_is_written() {
    String big = "{\"v\":\"" + "x".repeat(1 << 20) + "\"}";
    assertUnchanged(() -> assertThatThrownBy(
        () -> store.append("s-1", ExpectedVersion.ANY, List.of(event(1), event("Big", big))))
        .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxEventBytes");
          assertThat(e.max()).isEqualTo(1 << 20);
          assertThat(e.code()).isEqualTo("payload_too_large");
        }));
  }

  @Test
  void an_event_exactly_at_the_size_limit_is_accepted() {
    String data = "\"" + "x".repeat((1 << 20) - 4) + "\"";
    EventData e = event("Big", data);
    assertThat(e.data().size() + e.metadata().size()).isEqualTo(1 << 20);
    store.append("s-1", ExpectedVersion.ANY, e);
    assertThat(stream("s-1").get(0).data().size()).isEqualTo((1 << 20) - 2);
  }

  @Test
  void more_events_than_the_batch_limit_is_payload_too_large() {
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, events(10_001)))
        .isInstanceOfSatisfying(PayloadTooLargeException.class,
            e -> assertThat(e.limit()).isEqualTo("maxEventsPerAppend")));
    assertThat(store.append("s-1", ExpectedVersion.ANY, events(10_000)).lastVersion()).isEqualTo(10_000);
  }

  @Test
  void an_empty_append_is_rejected() {
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one event"));
  }

  @Test
  void metadata_must_be_an_object_with_well_typed_reserved_keys() {
    List<String> badMetadata = List.of("[]", "\"x\"", "{\"actor\":42}", "{\"correlationId\":{}}",
        "{\"revokes\":\"not-an-array\"}", "{\"revokes\":[\"not-a-uuid\"]}", "{\"imported\":true}");
    for (String m : badMetadata) {
      EventData e = event(1).withMetadata(Json.of(m));
      assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, e))
          .as("metadata %s", m)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("metadata"));
    }
  }

  @Test
  void one_bad_event_in_a_batch_writes_none_of_it() {
    List<EventData> batch = new ArrayList<>(events(5));
    batch.add(event("bad type", "{}"));
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, batch))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("event 5"));
    assertThat(store.streamVersion("s-1")).isZero();
  }

  @Test
  void the_same_id_twice_in_one_append_is_rejected() {
    EventData e = event(1);
    assertUnchanged(() -> assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, List.of(e, e)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("twice"));
  }

  @Test
  void malformed_json_never_becomes_an_event() {
    for (String text : List.of("{", "{\"a\":}", "", "{} {}", "nul", "[1,]")) {
      assertThatThrownBy(() -> Json.of(text)).as(text).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not JSON");
    }
  }

  // ---- reads ----------------------------------------------------------------------------------------

  @Test
  void stream_reads_page_forward_with_next() {
    store.append("s-1", ExpectedVersion.ANY, events(25));
    Page p1 = store.readStream("s-1", 1, Direction.FORWARD, 10);
    assertThat(p1.events()).extracting(RecordedEvent::version).containsExactlyElementsOf(range(1, 10));
    assertThat(p1.end()).isFalse();
    assertThat(p1.nextPage()).hasValue(11);
    Page p3 = store.readStream("s-1", 21, Direction.FORWARD, 10);
    assertThat(p3.events()).extracting(RecordedEvent::version).containsExactlyElementsOf(range(21, 25));
    assertThat(p3.end()).isTrue();
    assertThat(p3.nextPage()).isEmpty();
    assertThat(p3.next()).isEqualTo(26);
  }

  @Test
  void stream_reads_page_backward_from_the_end() {
    store.append("s-1", ExpectedVersion.ANY, events(15));
    Page p1 = store.readStreamFromEnd("s-1", 10);
    assertThat(p1.events()).extracting(RecordedEvent::version).containsExactlyElementsOf(range(15, 6));
    assertThat(p1.nextPage()).hasValue(5);
    Page p2 = store.readStream("s-1", p1.next(), Direction.BACKWARD, 10);
    assertThat(p2.events()).extracting(RecordedEvent::version).containsExactlyElementsOf(range(5, 1));
    assertThat(p2.end()).isTrue();
    assertThat(store.readStream("s-1", 3, Direction.BACKWARD, 10).events())
        .extracting(RecordedEvent::version).containsExactly(3L, 2L, 1L);
  }

  @Test
  void a_backward_read_from_past_the_last_version_starts_at_the_last_event() {
    store.append("s-1", ExpectedVersion.ANY, events(5));
    Page p = store.readStream("s-1", 100, Direction.BACKWARD, 2);
    assertThat(p.events()).extracting(RecordedEvent::version).containsExactly(5L, 4L);
    assertThat(p.nextPage()).hasValue(3);
    assertThat(store.readAll(100, Direction.BACKWARD, 2, Filter.all()).events())
        .extracting(RecordedEvent::position).containsExactly(5L, 4L);
  }

  @Test
  void read_all_from_the_end_goes_backward_from_the_head_through_the_filter() {
    store.append("a-1", ExpectedVersion.ANY, events(3));
    store.append("b-1", ExpectedVersion.ANY, events(2));
    store.append("a-2", ExpectedVersion.ANY, events(1));
    Page p = store.readAllFromEnd(3, Filter.category("a"));
    assertThat(p.events()).extracting(e -> e.stream() + "@" + e.version())
        .containsExactly("a-2@1", "a-1@3", "a-1@2");
    assertThat(p.end()).isFalse();
    assertThat(store.readAll(p.next(), Direction.BACKWARD, 3, Filter.category("a")).events())
        .extracting(e -> e.stream() + "@" + e.version()).containsExactly("a-1@1");
  }

  @Test
  void a_stream_without_events_reads_as_an_empty_final_page() {
    Page p = store.readStream("nobody-1", 1, Direction.FORWARD, 10);
    assertThat(p.events()).isEmpty();
    assertThat(p.end()).isTrue();
    assertThat(store.streamVersion("nobody-1")).isZero();
    assertThat(store.readStreamFromEnd("nobody-1", 10).events()).isEmpty();
  }

  @Test
  void reading_past_the_end_of_a_stream_is_empty() {
    store.append("s-1", ExpectedVersion.ANY, events(3));
    Page p = store.readStream("s-1", 4, Direction.FORWARD, 10);
    assertThat(p.events()).isEmpty();
    assertThat(p.end()).isTrue();
  }

  @Test
  void read_all_pages_forward_and_backward_across_streams() {
    for (int i = 0; i < 30; i++) {
      store.append("s-" + (i % 3), ExpectedVersion.ANY, event(i));
    }
    List<RecordedEvent> forward = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 7, Filter.all());
      forward.addAll(p.events());
      if (p.end()) {
        break;
      }
      from = p.next();
    }
    assertThat(forward).extracting(e -> e.data().toNode().get("n").asInt())
        .containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
    List<RecordedEvent> backward = new ArrayList<>();
    Page first = store.readAllFromEnd(7, Filter.all());
    backward.addAll(first.events());
    from = first.next();
    while (!first.end()) {
      Page p = store.readAll(from, Direction.BACKWARD, 7, Filter.all());
      backward.addAll(p.events());
      if (p.end()) {
        break;
      }
      from = p.next();
    }
    assertThat(backward).containsExactlyElementsOf(forward.reversed());
  }

  @Test
  void read_all_filters_by_type_category_and_prefix() {
    store.append("account-1", ExpectedVersion.ANY, event("Opened", "{}"), event("Deposited", "{}"));
    store.append("account-2", ExpectedVersion.ANY, event("Opened", "{}"));
    store.append("order-1", ExpectedVersion.ANY, event("Placed", "{}"), event("Opened", "{}"));
    store.append("accountant-9", ExpectedVersion.ANY, event("Hired", "{}"));
    assertThat(readAllWith(Filter.types("Opened"))).extracting(e -> e.stream() + ":" + e.type())
        .containsExactly("account-1:Opened", "account-2:Opened", "order-1:Opened");
    assertThat(readAllWith(Filter.category("account"))).extracting(RecordedEvent::stream)
        .containsExactly("account-1", "account-1", "account-2");
    assertThat(readAllWith(Filter.prefix("account"))).extracting(RecordedEvent::stream)
        .containsExactly("account-1", "account-1", "account-2", "accountant-9");
    assertThat(readAllWith(Filter.category("account").withTypes(Set.of("Deposited", "Hired"))))
        .extracting(RecordedEvent::type).containsExactly("Deposited");
    assertThat(readAllWith(Filter.types("Nothing"))).isEmpty();
  }

  @Test
  void a_filtered_read_all_page_says_where_to_continue_past_skipped_events() {
    store.append("a-1", ExpectedVersion.ANY, events(5));
    store.append("b-1", ExpectedVersion.ANY, events(5));
    Page p = store.readAll(1, Direction.FORWARD, 3, Filter.category("b"));
    assertThat(p.events()).extracting(RecordedEvent::stream).containsOnly("b-1");
    assertThat(p.events()).hasSize(3);
    Page rest = store.readAll(p.next(), Direction.FORWARD, 10, Filter.category("b"));
    assertThat(rest.events()).hasSize(2);
    assertThat(rest.end()).isTrue();
    assertThat(rest.next()).isEqualTo(store.headPosition() + 1);
  }

  @Test
  void system_streams_are_left_out_of_read_all_unless_asked_for() {
    store.append("$snapshot-s-1", ExpectedVersion.ANY, event(1));
    store.append("s-1", ExpectedVersion.ANY, event(2));
    assertThat(readAllWith(Filter.all())).extracting(RecordedEvent::stream).containsExactly("s-1");
    assertThat(readAllWith(Filter.everything())).extracting(RecordedEvent::stream)
        .containsExactly("$snapshot-s-1", "s-1");
  }

  private List<RecordedEvent> readAllWith(Filter filter) {
    return store.readAll(1, Direction.FORWARD, 1000, filter).events();
  }

  @Test
  void read_limits_are_checked() {
    assertThatThrownBy(() -> store.readAll(1, Direction.FORWARD, 0, Filter.all()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> store.readStream("s-1", 1, Direction.FORWARD, 10_001))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> store.readStream("a/b", 1, Direction.FORWARD, 10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stream name");
  }

  @Test
  void an_empty_store_has_head_zero_and_reads_nothing() {
    assertThat(store.headPosition()).isZero();
    Page p = store.readAll(1, Direction.FORWARD, 10, Filter.all());
    assertThat(p.events()).isEmpty();
    assertThat(p.end()).isTrue();
    assertThat(store.positionAt(Instant.now())).isEqualTo(1);
  }

  @Test
  void list_streams_by_prefix_and_category_in_name_order_with_counts_and_last_activity() {
    store.append("account-2", ExpectedVersion.ANY, events(2));
    store.append("account-1", ExpectedVersion.ANY, events(3));
    AppendResult last = store.append("account-1", ExpectedVersion.ANY, events(1));
    store.append("accountant-1", ExpectedVersion.ANY, events(1));
    store.append("order-1", ExpectedVersion.ANY, events(1));
    store.append("$snapshot-account-1", ExpectedVersion.ANY, events(1));
    List<dev.annals.core.StreamInfo> accounts = store.listStreams(StreamQuery.prefix("account"), 10);
    assertThat(accounts).extracting(dev.annals.core.StreamInfo::stream)
        .containsExactly("account-1", "account-2", "accountant-1");
    assertThat(accounts.get(0).version()).isEqualTo(4);
    assertThat(accounts.get(0).lastPosition()).isEqualTo(last.lastPosition());
    assertThat(accounts.get(0).lastRecordedAt()).isEqualTo(last.recordedAt());
    assertThat(store.listStreams(StreamQuery.all().withCategory("account"), 10))
        .extracting(dev.annals.core.StreamInfo::stream).containsExactly("account-1", "account-2");
    assertThat(store.listStreams(StreamQuery.all().startingAfter("account-2"), 2))
        .extracting(dev.annals.core.StreamInfo::stream).containsExactly("accountant-1", "order-1");
    assertThat(store.listStreams(StreamQuery.prefix("$"), 10))
        .extracting(dev.annals.core.StreamInfo::stream).containsExactly("$snapshot-account-1");
  }

  @Test
  void list_streams_stops_at_the_limit_and_pages_on_with_the_last_name_listed() {
    for (String s : List.of("c-1", "a-1", "e-1", "b-1", "d-1")) {
      store.append(s, ExpectedVersion.ANY, events(1));
    }
    assertThat(store.listStreams(StreamQuery.all(), 2)).extracting(StreamInfo::stream).containsExactly("a-1", "b-1");
    List<String> paged = new ArrayList<>();
    StreamQuery query = StreamQuery.all();
    while (true) {
      List<StreamInfo> page = store.listStreams(query, 2);
      page.forEach(s -> paged.add(s.stream()));
      if (page.size() < 2) {
        break;
      }
      query = query.startingAfter(page.getLast().stream());
    }
    assertThat(paged).containsExactly("a-1", "b-1", "c-1", "d-1", "e-1");
  }

  @Test
  void list_streams_combines_prefix_category_and_after() {
    for (String s : List.of("account-1", "account-2", "account-3", "accountant-1", "acc-1")) {
      store.append(s, ExpectedVersion.ANY, events(1));
    }
    assertThat(store.listStreams(StreamQuery.prefix("acc").withCategory("account").startingAfter("account-1"), 10))
        .extracting(StreamInfo::stream).containsExactly("account-2", "account-3");
    assertThat(store.listStreams(StreamQuery.prefix("account-").withCategory("order"), 10)).isEmpty();
  }

  @Test
  void system_streams_are_listed_only_for_a_prefix_starting_with_a_dollar() {
    store.append("$snapshot-a-1", ExpectedVersion.ANY, events(1));
    store.append("$meta-a-1", ExpectedVersion.ANY, events(1));
    store.append("a-1", ExpectedVersion.ANY, events(1));
    assertThat(store.listStreams(StreamQuery.all(), 10)).extracting(StreamInfo::stream).containsExactly("a-1");
    assertThat(store.listStreams(StreamQuery.all().withCategory("$snapshot"), 10)).isEmpty();
    assertThat(store.listStreams(StreamQuery.prefix("$"), 10)).extracting(StreamInfo::stream)
        .containsExactly("$meta-a-1", "$snapshot-a-1");
    assertThat(store.listStreams(StreamQuery.prefix("$snap"), 10)).extracting(StreamInfo::stream)
        .containsExactly("$snapshot-a-1");
  }

  @Test
  void a_listed_stream_shows_its_latest_append() {
    store.append("a-1", ExpectedVersion.ANY, events(2));
    store.append("b-1", ExpectedVersion.ANY, events(1));
    AppendResult last = store.append("a-1", ExpectedVersion.ANY, events(3));
    StreamInfo a = store.listStreams(StreamQuery.prefix("a-"), 10).getFirst();
    assertThat(a).isEqualTo(new StreamInfo("a-1", 5, last.lastPosition(), last.recordedAt()));
  }

  @Test
  void list_streams_rejects_a_limit_below_one() {
    store.append("a-1", ExpectedVersion.ANY, events(1));
    assertThatThrownBy(() -> store.listStreams(StreamQuery.all(), 0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void list_streams_of_an_empty_store_is_empty() {
    assertThat(store.listStreams(StreamQuery.all(), 10)).isEmpty();
    assertThat(store.listStreams(StreamQuery.prefix("$"), 10)).isEmpty();
  }

  // ---- time -----------------------------------------------------------------------------------------

  @Test
  void position_at_finds_the_first_event_recorded_at_or_after_an_instant() throws Exception {
    AppendResult a = store.append("s-1", ExpectedVersion.ANY, events(3));
    Thread.sleep(5);
    AppendResult b = store.append("s-1", ExpectedVersion.ANY, events(2));
    Thread.sleep(5);
    store.append("s-2", ExpectedVersion.ANY, events(1));
    assertThat(store.positionAt(Instant.EPOCH)).isEqualTo(1);
    assertThat(store.positionAt(a.recordedAt())).isEqualTo(a.firstPosition());
    assertThat(store.positionAt(a.recordedAt().plusNanos(1000))).isEqualTo(b.firstPosition());
    assertThat(store.positionAt(b.recordedAt())).isEqualTo(b.firstPosition());
    assertThat(store.positionAt(Instant.now().plusSeconds(60))).isEqualTo(store.headPosition() + 1);
    assertThat(store.positionAt(Instant.MAX)).isEqualTo(store.headPosition() + 1);
    assertThat(store.positionAt(Instant.MIN)).isEqualTo(1);
    assertThat(store.positionAt(Instant.parse("-999999999-01-01T00:00:00Z"))).isEqualTo(1);
  }

  // ---- import ---------------------------------------------------------------------------------------

  @Test
  void import_keeps_original_recorded_times_and_marks_events_imported() {
    Instant t1 = Instant.parse("2025-01-01T10:00:00Z");
    Instant t2 = Instant.parse("2025-02-01T10:00:00.000001Z");
    ImportResult r = store.importEvents(List.of(
        new ImportEvent("acct-1", event(1).withMetadata(Json.of("{\"actor\":\"legacy\"}")), t1),
        new ImportEvent("acct-2", event(2), t1),
        new ImportEvent("acct-1", event(3).withEffectiveAt(Instant.parse("2024-12-31T00:00:00Z")), t2)));
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.firstPosition()).isEqualTo(1);
    List<RecordedEvent> acct1 = stream("acct-1");
    assertThat(acct1).extracting(RecordedEvent::version).containsExactly(1L, 2L);
    assertThat(acct1).extracting(RecordedEvent::recordedAt).containsExactly(t1, t2);
    assertThat(acct1.get(0).metadata().toNode().get("imported").asBoolean()).isTrue();
    assertThat(acct1.get(0).metadata().toNode().get("actor").asText()).isEqualTo("legacy");
    assertThat(acct1.get(0).effectiveAt()).isEqualTo(t1);
    assertThat(acct1.get(1).effectiveAt()).isEqualTo(Instant.parse("2024-12-31T00:00:00Z"));
    assertThat(store.positionAt(t2)).isEqualTo(3);
    AppendResult after = store.append("acct-1", ExpectedVersion.exactly(2), event(4));
    assertThat(after.recordedAt()).isAfter(t2);
  }

  /**
   * An import adds {@code imported: true} to each event's metadata; the rest of the metadata keeps every
   * digit and the scale of its decimals (it used to go through doubles: 12345678901234567.89 became
   * 12345678901234568 and 10.50 became 10.5).
   */
  @Test
  void an_import_keeps_every_digit_of_the_decimals_in_its_metadata() {
    store.importEvents(List.of(new ImportEvent("legacy-1",
        event(1).withMetadata(Json.of("{\"rate\":12345678901234567.89,\"fee\":10.50,\"n\":1e3}")),
        Instant.parse("2025-01-01T10:00:00Z"))));
    com.fasterxml.jackson.databind.JsonNode m = stream("legacy-1").get(0).metadata().toNode();
    assertThat(m.get("rate").decimalValue()).isEqualTo(new java.math.BigDecimal("12345678901234567.89"));
    assertThat(m.get("fee").decimalValue()).isEqualTo(new java.math.BigDecimal("10.50")); // scale 2 kept
    assertThat(m.get("n").decimalValue()).isEqualByComparingTo("1000");
    assertThat(m.get("imported").asBoolean()).isTrue();
  }

  /**
   * A retried import (the client timed out) is answered with the first result and writes nothing, even
   * though its times now lie before the store's last recordedAt: the ids are checked before the times.
   */
  @Test
  void a_retried_import_is_answered_with_its_first_result() {
    List<ImportEvent> batch = List.of(
        new ImportEvent("legacy-1", event(1), Instant.parse("2025-01-01T10:00:00Z")),
        new ImportEvent("legacy-1", event(2), Instant.parse("2025-02-01T10:00:00Z")));
    ImportResult first = store.importEvents(batch);
    store.append("s-1", ExpectedVersion.ANY, event(3));
    List<RecordedEvent> before = all();
    assertThat(store.importEvents(batch)).isEqualTo(first);
    assertThat(all()).isEqualTo(before);
    // a new import at those times is still refused
    assertThatThrownBy(() -> store.importEvents(List.of(
        new ImportEvent("legacy-2", event(4), Instant.parse("2025-01-01T10:00:00Z")))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("before the store's last recordedAt");
  }

  @Test
  void import_refuses_times_before_the_last_recorded_time_or_in_the_future() {
    store.append("s-1", ExpectedVersion.ANY, event(1));
    Instant past = Instant.parse("2020-01-01T00:00:00Z");
    assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(new ImportEvent("s-2", event(2), past))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("recordedAt"));
    Instant future = Instant.now().plusSeconds(3600);
    assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(new ImportEvent("s-2", event(2), future))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("future"));
  }

  @Test
  void import_refuses_recorded_times_outside_years_0001_to_9999_and_stays_writable() {
    for (String at : List.of("-300000-01-01T00:00:00Z", "0000-12-31T23:59:59.999999Z", "-1000000000-01-01T00:00:00Z")) {
      assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(
          new ImportEvent("s-1", event(1), Instant.parse("0001-01-01T00:00:00Z")),
          new ImportEvent("s-2", event(2), Instant.parse(at)))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("recordedAt")); // over HTTP the year may not parse
    }
    assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(new ImportEvent("s-2", event(2), Instant.MIN))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("recordedAt"));
    Instant first = Instant.parse("0001-01-01T00:00:00Z");
    assertThat(store.importEvents(List.of(new ImportEvent("s-1", event(3), first))).count()).isEqualTo(1);
    assertThat(store.positionAt(first)).isEqualTo(1);
    assertThat(store.append("s-1", ExpectedVersion.exactly(1), event(4)).firstPosition()).isEqualTo(2);
  }

  @Test
  void import_refuses_decreasing_times_and_bad_events_atomically() {
    Instant t1 = Instant.parse("2025-01-02T00:00:00Z");
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(
        new ImportEvent("s-1", event(1), t1), new ImportEvent("s-1", event(2), t0))))
        .isInstanceOf(InvalidInputException.class));
    assertUnchanged(() -> assertThatThrownBy(() -> store.importEvents(List.of(
        new ImportEvent("s-1", event(1), t0), new ImportEvent("bad/name", event(2), t1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stream name"));
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    if (from <= to) {
      for (long v = from; v <= to; v++) {
        out.add(v);
      }
    } else {
      for (long v = from; v >= to; v--) {
        out.add(v);
      }
    }
    return out;
  }
}
