package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/** Losing PostgreSQL: appends fail as unavailable, never wrongly, and work again when it is back. */
@ExtendWith(TestPostgres.class)
class PostgresFailureTest {

  /** Terminates the group's own backend from another connection, once, at the chosen moment. */
  static final class KillBackend implements GroupTransaction.Faults {
    final AtomicBoolean armed = new AtomicBoolean();
    final boolean afterCommit;
    final PostgresOptions options;

    KillBackend(PostgresOptions options, boolean afterCommit) {
      this.options = options;
      this.afterCommit = afterCommit;
    }

    @Override
    public void beforeCommit(Connection c) throws SQLException {
      if (!afterCommit && armed.compareAndSet(true, false)) {
        kill(c);
      }
    }

    @Override
    public void afterCommit(Connection c) throws SQLException {
      if (afterCommit && armed.compareAndSet(true, false)) {
        kill(c);
        throw new SQLException("An I/O error occurred while sending to the backend (simulated: the COMMIT's reply"
            + " was lost)", "08006");
      }
    }

    private void kill(Connection c) throws SQLException {
      int pid = c.unwrap(PGConnection.class).getBackendPID();
      try (Connection other = PostgresAppendTest.sql(options);
          PreparedStatement s = other.prepareStatement("SELECT pg_terminate_backend(?)")) {
        s.setInt(1, pid);
        s.execute();
      }
    }
  }

  @Test
  void a_connection_lost_before_commit_completes_fails_the_append_as_unavailable_and_a_retry_writes_it_once()
      throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    KillBackend faults = new KillBackend(options, false);
    try (PostgresEventStore store = PostgresEventStore.open(options, faults)) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
      List<EventData> batch = List.of(EventData.of("B", "2"), EventData.of("C", "3"));
      faults.armed.set(true);
      assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(1), batch))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("may or may not be written").hasMessageContaining("same event ids");
      assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_events")).isEqualTo(1);
      AppendResult retry = store.append("s-1", ExpectedVersion.exactly(1), batch);
      assertThat(retry.firstPosition()).isEqualTo(2);
      assertThat(retry.lastVersion()).isEqualTo(3);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_events")).isEqualTo(3);
  }

  @Test
  void an_append_whose_commit_reply_was_lost_is_answered_its_original_result_on_retry_and_written_once()
      throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    KillBackend faults = new KillBackend(options, true);
    try (PostgresEventStore store = PostgresEventStore.open(options, faults)) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
      List<EventData> batch = List.of(EventData.of("B", "2"), EventData.of("C", "3"));
      faults.armed.set(true);
      assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(1), batch))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("may or may not be written");
      assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_events")).isEqualTo(3);
      AppendResult retry = store.append("s-1", ExpectedVersion.exactly(1), batch);
      assertThat(retry.firstPosition()).isEqualTo(2);
      assertThat(retry.lastPosition()).isEqualTo(3);
      assertThat(store.append("s-1", ExpectedVersion.ANY, batch)).isEqualTo(retry);
      // the killed connection left the pool: the next append works
      assertThat(store.append("s-1", ExpectedVersion.exactly(3), EventData.of("D", "4")).lastPosition()).isEqualTo(4);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_events")).isEqualTo(4);
  }

  @Test
  void a_pooled_connection_killed_while_idle_does_not_fail_the_next_append() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
      try (Connection c = PostgresAppendTest.sql(options);
          PreparedStatement s = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              + " WHERE application_name = 'annals' AND datname = current_database() AND pid <> pg_backend_pid()"
              + " AND query NOT LIKE 'LISTEN%'")) {
        s.execute();
      }
      assertThat(store.append("s-1", ExpectedVersion.exactly(1), EventData.of("B", "2")).lastPosition()).isEqualTo(2);
    }
  }

  @Test
  void while_postgresql_is_down_appends_are_unavailable_and_when_it_is_back_the_same_store_writes_again(
      LocalPostgres pg) throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
      pg.stop(LocalPostgres.StopMode.FAST);
      try {
        assertThatThrownBy(() -> store.append("s-1", ExpectedVersion.exactly(1), EventData.of("B", "2")))
            .isInstanceOfSatisfying(StoreUnavailableException.class,
                e -> assertThat(e.code()).isEqualTo("unavailable"))
            .hasMessageContaining("unreachable").hasMessageContaining(options.url().toString());
      } finally {
        pg.restart();
      }
      // the pool reconnects on its own (with a backoff): the same event, retried as a caller would, lands once
      EventData b = EventData.of("B", "2");
      assertThat(appendWithin(store, b, 20_000).lastPosition()).isEqualTo(2);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_events")).isEqualTo(2);
  }

  private static AppendResult appendWithin(PostgresEventStore store, EventData e, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      try {
        return store.append("s-1", ExpectedVersion.exactly(1), e);
      } catch (StoreUnavailableException stillDown) {
        if (System.currentTimeMillis() > deadline) {
          throw stillDown;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void a_session_of_the_store_idle_inside_a_transaction_is_ended_by_the_server_after_ten_seconds() throws Exception {
    Database db = Database.open(PgStores.freshOptions());
    try (Connection c = db.connection(); java.sql.Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("10s");
    } finally {
      db.close();
    }
  }
}
