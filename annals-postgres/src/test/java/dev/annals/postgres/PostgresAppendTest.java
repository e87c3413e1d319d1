package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.Direction;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.RecordedEvent;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.Json;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.WrongExpectedVersionException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The append path on a real PostgreSQL, checked in the tables themselves. */
@ExtendWith(TestPostgres.class)
class PostgresAppendTest {

  static Connection sql(PostgresOptions options) throws SQLException {
    Connection c = DriverManager.getConnection(TestPostgres.shared().jdbcUrl(PgStores.database()));
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + options.schema());
    }
    return c;
  }

  static long count(PostgresOptions options, String query) throws SQLException {
    try (Connection c = sql(options); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void a_single_append_is_written_with_position_version_and_the_database_clock() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    Instant before = Instant.now().minusSeconds(5);
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      AppendResult r = store.append("acct-1", ExpectedVersion.NO_STREAM, EventData.of("Opened", "{\"a\":1}"));
      assertThat(r.firstPosition()).isEqualTo(1);
      assertThat(r.lastPosition()).isEqualTo(1);
      assertThat(r.firstVersion()).isEqualTo(1);
      assertThat(r.lastVersion()).isEqualTo(1);
      assertThat(r.recordedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(5));
      assertThat(store.appendStats().groups()).isEqualTo(1);
      assertThat(store.appendStats().events()).isEqualTo(1);
    }
    try (Connection c = sql(options); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT e.position, e.version, e.stream, convert_from(e.data, 'UTF8'),"
            + " h.position, st.version, e.chain = h.chain FROM annals_events e, annals_head h, annals_streams st")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).isEqualTo(1);
      assertThat(r.getLong(2)).isEqualTo(1);
      assertThat(r.getString(3)).isEqualTo("acct-1");
      assertThat(r.getString(4)).isEqualTo("{\"a\":1}");
      assertThat(r.getLong(5)).isEqualTo(1);
      assertThat(r.getLong(6)).isEqualTo(1);
      assertThat(r.getBoolean(7)).isTrue();
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void a_batch_is_written_atomically_with_its_size_and_indexes_and_a_stale_expected_version_writes_nothing()
      throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      AppendResult r = store.append("acct-1", ExpectedVersion.ANY, List.of(EventData.of("A", "1"),
          EventData.of("B", "2"), EventData.of("C", "3")));
      assertThat(r.firstVersion()).isEqualTo(1);
      assertThat(r.lastVersion()).isEqualTo(3);
      assertThat(r.lastPosition()).isEqualTo(3);
      assertThatThrownBy(() -> store.append("acct-1", ExpectedVersion.exactly(2), EventData.of("D", "4")))
          .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.getMessage()).contains("3"));
    }
    assertThat(count(options, "SELECT count(*) FROM annals_events")).isEqualTo(3);
    try (Connection c = sql(options); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT string_agg(batch_size || ':' || index_in_batch, ',' ORDER BY position) FROM annals_events")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("3:0,3:1,3:2");
    }
  }

  @Test
  void a_retry_with_the_same_ids_answers_the_original_result_and_writes_nothing() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      List<EventData> batch = List.of(EventData.of("A", "1"), EventData.of("B", "2"));
      AppendResult first = store.append("s-1", ExpectedVersion.ANY, batch);
      store.append("s-1", ExpectedVersion.ANY, EventData.of("C", "3"));
      assertThat(store.append("s-1", ExpectedVersion.ANY, batch)).isEqualTo(first);
      assertThat(store.append("s-1", ExpectedVersion.NO_STREAM, batch)).isEqualTo(first);
      assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY,
          List.of(batch.get(0), EventData.of("D", "4")))).isInstanceOf(IdempotencyConflictException.class);
    }
    assertThat(count(options, "SELECT count(*) FROM annals_events")).isEqualTo(3);
  }

  @Test
  void the_chain_in_the_rows_is_the_engine_independent_chain_over_each_event() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    UUID id = UUID.randomUUID();
    Instant effective = Instant.parse("2020-01-02T03:04:05.123456789Z");
    AppendResult r;
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      r = store.append("s-1", ExpectedVersion.ANY, new EventData(id, "T", Json.of("{\"x\":[1, 2]}"),
          Json.of("{\"actor\":\"me\"}"), Optional.of(effective)));
    }
    ChainHash hash = new ChainHash();
    byte[] data = "{\"x\":[1, 2]}".getBytes();
    byte[] expected = hash.next(ChainHash.genesis(), 1, 1, id, r.recordedAt(), effective, 1, 0, false, "s-1", "T",
        hash.dataDigest(data), data.length, "{\"actor\":\"me\"}".getBytes());
    try (Connection c = sql(options); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT chain, effective_nanos, effective_at = timestamptz '2020-01-02T03:04:05.123456Z'"
            + " FROM annals_events")) {
      rs.next();
      assertThat(ChainHash.hex(rs.getBytes(1))).isEqualTo(ChainHash.hex(expected));
      assertThat(rs.getInt(2)).isEqualTo(123456789);
      assertThat(rs.getBoolean(3)).isTrue();
    }
  }

  @Test
  void appends_after_close_are_refused_as_unavailable_and_close_is_idempotent() {
    PostgresEventStore store = PgStores.open();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1")))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void concurrent_appends_get_gap_free_positions_in_groups() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    int threads = 16;
    int each = 50;
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        ts.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < each; i++) {
            store.append("s-" + n, ExpectedVersion.exactly(i), EventData.of("A", "1"));
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(store.appendStats().events()).isEqualTo(threads * each);
      assertThat(store.appendStats().groups()).isLessThanOrEqualTo(threads * each);
    }
    assertThat(count(options, "SELECT count(*) FROM annals_events")).isEqualTo(threads * each);
    assertThat(count(options, "SELECT max(position) FROM annals_events")).isEqualTo(threads * each);
    assertThat(count(options, "SELECT count(*) FROM (SELECT position, recorded_at,"
        + " lag(recorded_at) OVER (ORDER BY position) AS prev FROM annals_events) x WHERE recorded_at < prev"))
        .isZero();
  }

  @Test
  void instants_at_the_ends_of_years_1_to_9999_are_stored_exactly() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    Instant first = Instant.parse("0001-01-01T00:00:00.000001Z");
    Instant last = Instant.parse("9999-12-31T23:59:59.999999999Z");
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.importEvents(List.of(new ImportEvent("old-1", EventData.of("A", "1").withEffectiveAt(last), first)));
      RecordedEvent e = store.readAll(1, Direction.FORWARD, 1, Filter.everything()).events().get(0);
      assertThat(e.recordedAt()).isEqualTo(first);
      assertThat(e.effectiveAt()).isEqualTo(last);
    }
    assertThat(count(options, "SELECT count(*) FROM annals_events WHERE recorded_at = timestamptz"
        + " '0001-01-01 00:00:00.000001+00' AND effective_at = timestamptz '9999-12-31 23:59:59.999999+00'"))
        .isEqualTo(1);
  }

  @Test
  void in_one_group_a_refused_append_is_left_out_and_the_others_are_written() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    int threads = 24;
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      AtomicInteger won = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      for (int t = 0; t < threads; t++) {
        int n = t;
        ts.add(Thread.ofPlatform().start(() -> {
          try {
            start.await();
            store.append("other-" + n, ExpectedVersion.NO_STREAM, EventData.of("A", "1"));
            store.append("contested-1", ExpectedVersion.NO_STREAM, EventData.of("B", "2"));
            won.incrementAndGet();
          } catch (WrongExpectedVersionException e) {
            refused.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
      }
      start.countDown();
      for (Thread t : ts) {
        t.join();
      }
      assertThat(won.get()).isEqualTo(1);
      assertThat(refused.get()).isEqualTo(threads - 1);
      assertThat(store.headPosition()).isEqualTo(threads + 1);
    }
    assertThat(count(options, "SELECT count(*) FROM annals_streams WHERE stream LIKE 'other-%' AND version = 1"))
        .isEqualTo(threads);
  }

  @Test
  void with_a_test_clock_recorded_at_comes_from_it_and_never_goes_back() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00.123456789Z"));
    try (PostgresEventStore store = PgStores.open(clock)) {
      AppendResult a = store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
      assertThat(a.recordedAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123456Z"));
      clock.set(Instant.parse("2029-06-01T00:00:00Z"));
      AppendResult b = store.append("s-1", ExpectedVersion.ANY, EventData.of("B", "2"));
      assertThat(b.recordedAt()).isEqualTo(a.recordedAt());
      clock.set(Instant.parse("2031-01-01T00:00:00Z"));
      assertThat(store.append("s-1", ExpectedVersion.ANY, EventData.of("C", "3")).recordedAt())
          .isEqualTo(Instant.parse("2031-01-01T00:00:00Z"));
    }
  }

  @Test
  void each_commit_notifies_the_store_channel_with_the_new_head_position_only() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options); Connection listener = sql(options)) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + options.notifyChannel());
      }
      store.append("s-1", ExpectedVersion.ANY, List.of(EventData.of("A", "1"), EventData.of("B", "2")));
      PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(10_000);
      assertThat(got).isNotNull();
      assertThat(got[got.length - 1].getName()).isEqualTo(options.notifyChannel());
      assertThat(got[got.length - 1].getParameter()).isEqualTo("2");
    }
  }

  @Test
  void close_answers_every_queued_append_either_written_or_refused_as_closed() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    PostgresEventStore store = PostgresEventStore.open(options);
    AtomicInteger written = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int n = t;
      ts.add(Thread.ofPlatform().start(() -> {
        try {
          while (true) {
            store.append("s-" + n, ExpectedVersion.ANY, EventData.of("A", "1"));
            written.incrementAndGet();
          }
        } catch (StoreUnavailableException closed) {
          refused.incrementAndGet();
        }
      }));
    }
    while (written.get() < 50) {
      Thread.sleep(5);
    }
    store.close();
    for (Thread t : ts) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(refused.get()).isEqualTo(16);
    assertThat(count(options, "SELECT count(*) FROM annals_events")).isEqualTo(written.get());
  }

  @Test
  void two_stores_on_one_schema_share_positions_versions_and_one_unbroken_chain() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore a = PostgresEventStore.open(options); PostgresEventStore b = PostgresEventStore.open(options)) {
      List<Thread> ts = new ArrayList<>();
      AtomicInteger won = new AtomicInteger();
      for (int t = 0; t < 12; t++) {
        PostgresEventStore store = t % 2 == 0 ? a : b;
        ts.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < 30; i++) {
            String stream = "shared-" + (i % 3);
            try {
              store.append(stream, ExpectedVersion.exactly(store.streamVersion(stream)),
                  List.of(EventData.of("A", "1"), EventData.of("B", "2")));
              won.incrementAndGet();
            } catch (WrongExpectedVersionException lost) {
              // another writer took that version
            }
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(a.headPosition()).isEqualTo(2L * won.get());
    }
    assertThat(count(options, "SELECT count(*) FROM annals_events")).isEqualTo(count(options, "SELECT max(position) FROM annals_events"));
    assertThat(count(options, "SELECT count(*) FROM (SELECT stream, version, row_number() OVER (PARTITION BY stream"
        + " ORDER BY position) AS n FROM annals_events) x WHERE version <> n")).isZero();
    ChainHash hash = new ChainHash();
    byte[] chain = ChainHash.genesis();
    try (Connection c = sql(options); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT position, version, event_id, (extract(epoch FROM recorded_at) * 1000000)::int8,"
            + " (extract(epoch FROM effective_at) * 1000000)::int8, effective_nanos, batch_size, index_in_batch,"
            + " imported, stream, type, data, metadata, chain FROM annals_events ORDER BY position")) {
      while (r.next()) {
        Instant recorded = Instant.EPOCH.plus(r.getLong(4), java.time.temporal.ChronoUnit.MICROS);
        Instant effective = Instant.ofEpochSecond(Math.floorDiv(r.getLong(5), 1_000_000L), r.getInt(6));
        byte[] data = r.getBytes(12);
        chain = hash.next(chain, r.getLong(1), r.getLong(2), r.getObject(3, UUID.class), recorded, effective,
            r.getInt(7), r.getInt(8), r.getBoolean(9), r.getString(10), r.getString(11), hash.dataDigest(data),
            data.length, r.getBytes(13));
        assertThat(ChainHash.hex(r.getBytes(14))).as("chain at %d", r.getLong(1)).isEqualTo(ChainHash.hex(chain));
      }
    }
    assertThat(count(options, "SELECT count(*) FROM annals_head WHERE chain = (SELECT chain FROM annals_events"
        + " ORDER BY position DESC LIMIT 1)")).isEqualTo(1);
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
