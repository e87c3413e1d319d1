package dev.annals.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.ExclusiveRole;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.postgres.AdvisoryLockRole;
import dev.annals.postgres.PgStores;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import dev.annals.core.StoreCopy;
import dev.annals.log.Annals;
import dev.annals.log.LogEventSource;
import dev.annals.log.LogEventStore;
import dev.annals.postgres.PostgresEventTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({TestKafka.class, TestPostgres.class})
class PostgresExportTest {

  @Test
  void a_role_is_held_by_one_session_of_the_database_and_lost_with_its_connection() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore a = PostgresEventStore.open(options); PostgresEventStore b = PostgresEventStore.open(options)) {
      assertThat(b.storeId()).isEqualTo(a.storeId());
      ExclusiveRole held = a.tryAcquireRole("export:orders").orElseThrow();
      assertThat(held.held()).isTrue();
      assertThat(b.tryAcquireRole("export:orders")).isEmpty();
      try (ExclusiveRole other = b.tryAcquireRole("export:payments").orElseThrow()) { // another role is free
        assertThat(other.held()).isTrue();
      }
      held.close();
      assertThat(held.held()).isFalse();
      ExclusiveRole taken = b.tryAcquireRole("export:orders").orElseThrow();

      terminateRoleSessions(AdvisoryLockRole.key(a.storeId(), "export:orders")); // the database drops the lock with its connection
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (taken.held() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(taken.held()).isFalse();
      Optional<ExclusiveRole> again = a.tryAcquireRole("export:orders");
      assertThat(again).isPresent();
      again.get().close();
      taken.close();
    }
  }

  @Test
  void exports_a_store_appended_from_another_process_once_each_and_refuses_a_second_exporter(LocalKafka kafka) {
    String topic = Exporting.topic("pg");
    kafka.createTopic(topic, 2);
    PostgresOptions options = PgStores.freshOptions();
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(40);
    try (PostgresEventStore exporting = PostgresEventStore.open(options);
        PostgresEventStore writer = PostgresEventStore.open(options)) {
      Exporting.append(writer, 60, 5, "a");
      try (KafkaExporter exporter = KafkaExporter.start(exporting, settings)) {
        assertThatThrownBy(() -> KafkaExporter.start(writer, settings)) // the same store, another "process"
            .isInstanceOf(KafkaExportException.class)
            .hasMessageContaining("another exporter of this store");
        Exporting.append(writer, 40, 5, "b"); // woken by NOTIFY
        Exporting.awaitCaughtUp(exporter, writer.headPosition());
        assertThat(exporter.status().failure()).isEmpty();
      }
      ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(exporting);
    }
  }

  @Test
  void a_store_copied_from_the_log_to_postgresql_keeps_its_id_and_its_export_resumes_there(LocalKafka kafka,
      @TempDir Path tmp) {
    String topic = Exporting.topic("migrate");
    kafka.createTopic(topic, 2);
    ExportSettings settings = ExportSettings.of(kafka.bootstrap(), topic).withMaxEventsPerTransaction(25);
    Path dir = tmp.resolve("log");
    UUID id;
    long exported;
    try (LogEventStore log = Annals.open(dir)) {
      id = log.storeId();
      Exporting.append(log, 40, 4, "log");
      exported = log.headPosition();
      try (KafkaExporter exporter = KafkaExporter.start(log, settings)) {
        Exporting.awaitCaughtUp(exporter, exported);
      }
    }
    PostgresOptions options = PgStores.freshOptions();
    try (LogEventSource source = LogEventSource.open(dir); PostgresEventTarget target = PostgresEventTarget.begin(options)) {
      assertThat(StoreCopy.copy(source, target, StoreCopy.Progress.NONE).same()).isTrue();
    }
    try (PostgresEventStore pg = PostgresEventStore.open(options)) {
      assertThat(pg.storeId()).isEqualTo(id);
      try (KafkaExporter exporter = KafkaExporter.start(pg, settings)) {
        assertThat(exporter.status().exportedPosition()).isEqualTo(exported); // resumed, not restarted
        Exporting.append(pg, 20, 4, "pg");
        Exporting.awaitCaughtUp(exporter, pg.headPosition());
      }
      ExportedTopic.read(kafka, topic).assertExactlyTheLogOf(pg);
    }
  }

  @Test
  void an_exporter_whose_role_connection_is_lost_stops_saying_so(LocalKafka kafka) throws Exception {
    String topic = Exporting.topic("pg-lost");
    kafka.createTopic(topic, 1);
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options);
        KafkaExporter exporter = KafkaExporter.start(store, ExportSettings.of(kafka.bootstrap(), topic))) {
      Exporting.append(store, 5, 2, "a");
      Exporting.awaitCaughtUp(exporter, store.headPosition());
      terminateRoleSessions(AdvisoryLockRole.key(store.storeId(), KafkaExporter.role(topic)));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      ExportStatus s = exporter.status();
      while (s.state() != ExportStatus.State.FAILED && System.nanoTime() < deadline) {
        Exporting.append(store, 1, 1, "b"); // the next transaction checks the role first
        Thread.sleep(50);
        s = exporter.status();
      }
      assertThat(s.state()).isEqualTo(ExportStatus.State.FAILED);
      assertThat(s.failure()).get().asString().contains("lost the store's " + KafkaExporter.role(topic) + " role");
    }
  }

  /** Terminates the sessions holding the advisory lock {@code key}. */
  private static void terminateRoleSessions(long key) throws Exception {
    var pg = TestPostgres.shared();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(PgStores.database()));
        PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_locks"
            + " WHERE locktype = 'advisory' AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?")) {
      s.setLong(1, key >>> 32);
      s.setLong(2, key & 0xFFFFFFFFL);
      try (ResultSet rs = s.executeQuery()) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      assertThat(n).isPositive();
      }
    }
  }
}
