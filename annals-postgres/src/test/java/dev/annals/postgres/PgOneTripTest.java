package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Groups decided in advance and written in one round trip (ExpectedHead, OneTripGroup): used once the
 * process knows the head, and refused by the database, then written the two-round-trip way, whenever
 * an expectation is wrong, with the same answers as if they had gone that way at once.
 */
@ExtendWith(TestPostgres.class)
class PgOneTripTest {

  @Test
  void appends_after_the_first_are_written_in_one_round_trip() {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      for (int i = 0; i < 20; i++) {
        AppendResult r = store.append("acct-" + (i % 3), ExpectedVersion.ANY, EventData.of("E", "{\"i\":" + i + "}"));
        assertThat(r.firstPosition()).isEqualTo(i + 1);
        assertThat(r.firstVersion()).isEqualTo(i / 3 + 1);
      }
      assertThat(store.appendStats().oneTripGroups()).isGreaterThanOrEqualTo(15);
      assertThat(store.appendStats().refusedOneTrips()).isZero();
    }
    assertThat(PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE).problems()).isEmpty();
  }

  /** One stamp per group; an effectiveAt of the event's own (to the nanosecond) is kept, the others are the stamp. */
  @Test
  void a_one_round_trip_group_keeps_each_events_times() {
    PostgresOptions options = PgStores.freshOptions();
    Instant own = Instant.parse("2024-02-29T23:59:59.123456789Z");
    Instant micros = Instant.parse("2024-03-01T00:00:00.000001Z");
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("acct-1", ExpectedVersion.ANY, EventData.of("Opened", "{}")); // the first group: two trips
      AppendResult r = store.append("acct-1", ExpectedVersion.ANY, List.of(EventData.of("A", "{}"),
          EventData.of("B", "{}").withEffectiveAt(own), EventData.of("C", "{}").withEffectiveAt(micros)));
      assertThat(store.appendStats().oneTripGroups()).isEqualTo(1);
      List<RecordedEvent> read = store.readStream("acct-1", 2, Direction.FORWARD, 10).events();
      assertThat(read).extracting(RecordedEvent::recordedAt).containsOnly(r.recordedAt());
      assertThat(read).extracting(RecordedEvent::effectiveAt).containsExactly(r.recordedAt(), own, micros);
    }
    assertThat(PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE).problems()).isEmpty();
  }

  @Test
  void a_stream_written_by_another_writer_is_refused_by_the_database_and_decided_again() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options);
        PostgresEventStore other = PostgresEventStore.open(options)) {
      store.append("acct-1", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}"));
      store.append("acct-2", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}"));
      other.append("acct-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}")); // store does not know

      // store expects acct-1 at version 1 and the head at 2: the database refuses that, the retry reads the truth
      assertThatThrownBy(() -> store.append("acct-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}")))
          .isInstanceOf(WrongExpectedVersionException.class);
      AppendResult r = store.append("acct-1", ExpectedVersion.exactly(2), EventData.of("Withdrawn", "{}"));
      assertThat(r.firstPosition()).isEqualTo(4);
      assertThat(r.firstVersion()).isEqualTo(3);
      assertThat(store.appendStats().refusedOneTrips()).isPositive();
    }
    assertThat(PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE).problems()).isEmpty();
  }

  /**
   * The head is as expected but a stream is not: the writer learned the head from a group that did not read
   * that stream. The unique (stream, version) index refuses the call (the version it would write exists),
   * nothing is written, and the group is decided again on what the database holds.
   */
  @Test
  void a_stale_stream_version_behind_the_expected_head_is_refused_and_decided_again() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options);
        PostgresEventStore other = PostgresEventStore.open(options)) {
      store.append("acct-1", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}"));
      other.append("acct-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}"));
      store.append("acct-2", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}")); // learns the head, not acct-1
      Thread.sleep(ExpectedHead.FOREIGN_PAUSE_NANOS / 1_000_000 + 200); // plans again after another process wrote
      long refusedBefore = store.appendStats().refusedOneTrips();

      assertThatThrownBy(() -> store.append("acct-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}")))
          .isInstanceOf(WrongExpectedVersionException.class);
      assertThat(store.appendStats().refusedOneTrips()).isEqualTo(refusedBefore + 1);
      store.append("acct-2", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}"));
      Thread.sleep(ExpectedHead.FOREIGN_PAUSE_NANOS / 1_000_000 + 200);
      other.append("acct-2", ExpectedVersion.exactly(2), EventData.of("Withdrawn", "{}"));
      store.append("acct-1", ExpectedVersion.exactly(2), EventData.of("Withdrawn", "{}")); // learns the head again
      Thread.sleep(ExpectedHead.FOREIGN_PAUSE_NANOS / 1_000_000 + 200);
      AppendResult r = store.append("acct-2", ExpectedVersion.ANY, EventData.of("Deposited", "{}"));
      assertThat(r.firstVersion()).isEqualTo(4);
      assertThat(r.firstPosition()).isEqualTo(7);
    }
    assertThat(PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE).problems()).isEmpty();
  }

  @Test
  void a_retry_of_a_written_append_is_answered_its_original_result() {
    try (PostgresEventStore store = PostgresEventStore.open(PgStores.freshOptions())) {
      store.append("acct-0", ExpectedVersion.ANY, EventData.of("E", "{}"));
      EventData e = EventData.of("E", "{\"x\":1}").withId(UUID.randomUUID());
      AppendResult first = store.append("acct-1", ExpectedVersion.ANY, e);
      store.append("acct-2", ExpectedVersion.ANY, EventData.of("E", "{}"));
      AppendResult again = store.append("acct-1", ExpectedVersion.ANY, e); // the id is refused by the unique index
      assertThat(again).isEqualTo(first);
      assertThat(store.headPosition()).isEqualTo(3);
    }
  }

  /**
   * A group decided under the lock first expects none of its ids to be written: a retry whose expected
   * version no longer holds (its own append moved the stream) must still be answered its original result,
   * and a retry mixing written and new ids refused as a conflict, writing nothing.
   */
  @Test
  void retries_decided_under_the_lock_are_answered_or_refused_by_what_is_written() {
    try (PostgresEventStore store = PostgresEventStore.open(PgStores.freshOptions())) {
      EventData e1 = EventData.of("E", "{\"x\":1}").withId(UUID.randomUUID());
      EventData e2 = EventData.of("E", "{\"x\":2}").withId(UUID.randomUUID());
      AppendResult first = store.append("acct-1", ExpectedVersion.NO_STREAM, List.of(e1, e2)); // first group: two trips
      assertThat(store.append("acct-1", ExpectedVersion.NO_STREAM, List.of(e1, e2))).isEqualTo(first);
      assertThat(store.append("acct-1", ExpectedVersion.NO_STREAM, List.of(e1, e2))).isEqualTo(first);
      assertThatThrownBy(() -> store.append("acct-1", ExpectedVersion.exactly(2),
          List.of(e2, EventData.of("E", "{}").withId(UUID.randomUUID()))))
          .isInstanceOf(dev.annals.core.IdempotencyConflictException.class);
      assertThat(store.headPosition()).isEqualTo(2);
      assertThat(store.appendStats().oneTripGroups()).isZero(); // each was refused in memory, then decided under the lock
    }
  }

  @Test
  void a_store_of_schema_version_1_is_migrated_on_open_and_appends_in_one_round_trip() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    String first;
    try (var in = SchemaMigration.class.getResourceAsStream("schema-1.sql")) {
      first = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    try (Connection c = java.sql.DriverManager.getConnection(TestPostgres.shared().jdbcUrl(PgStores.database()))) {
      assertThat(new SchemaMigration(java.util.List.of(first)).migrate(c, options.schema())).isZero();
    }
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("acct-1", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{}"));
      store.append("acct-1", ExpectedVersion.exactly(1), EventData.of("Deposited", "{}"));
      assertThat(store.appendStats().oneTripGroups()).isEqualTo(1);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT version FROM annals_schema"))
        .isEqualTo(SchemaMigration.bundled().newest());
    assertThat(PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE).problems()).isEmpty();
  }

  @Test
  void an_append_after_position_at_an_instant_past_the_log_is_stamped_at_or_after_it() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("acct-1", ExpectedVersion.ANY, EventData.of("E", "{}"));
      for (int i = 0; i < 20; i++) {
        Instant t = Instant.now();
        long next = store.positionAt(t);
        AppendResult r = store.append("acct-1", ExpectedVersion.ANY, EventData.of("E", "{}"));
        assertThat(r.firstPosition()).isEqualTo(next);
        assertThat(r.recordedAt()).isAfterOrEqualTo(t.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(store.positionAt(t)).isEqualTo(next);
      }
    }
    try (Connection c = PostgresAppendTest.sql(options); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT stamp_floor > 0 FROM annals_head")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }
}
