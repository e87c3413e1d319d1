package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Creating and migrating the store's schema on open. */
@ExtendWith(TestPostgres.class)
class SchemaMigrationTest {

  @Test
  void the_first_open_creates_the_schema_at_the_newest_version_and_an_empty_head() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    PostgresEventStore.open(options).close();
    assertThat(PostgresAppendTest.count(options, "SELECT version FROM annals_schema"))
        .isEqualTo(SchemaMigration.bundled().newest());
    assertThat(PostgresAppendTest.count(options, "SELECT position FROM annals_head")).isZero();
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_head")).isEqualTo(1);
  }

  @Test
  void reopening_keeps_the_events_and_the_store_id() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1"));
    }
    long storeId = PostgresAppendTest.count(options, "SELECT hashtext(store_id::text) FROM annals_schema");
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      assertThat(store.append("s-1", ExpectedVersion.exactly(1), EventData.of("B", "2")).lastPosition()).isEqualTo(2);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT hashtext(store_id::text) FROM annals_schema")).isEqualTo(storeId);
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_schema")).isEqualTo(1);
  }

  @Test
  void a_schema_of_a_newer_version_is_refused_untouched_saying_both_versions_and_what_to_do() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    PostgresEventStore.open(options).close();
    try (Connection c = PostgresAppendTest.sql(options); Statement s = c.createStatement()) {
      s.execute("UPDATE annals_schema SET version = 99");
    }
    int newest = SchemaMigration.bundled().newest();
    assertThatThrownBy(() -> PostgresEventStore.open(options))
        .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
          assertThat(e.found()).isEqualTo(99);
          assertThat(e.understood()).isEqualTo(newest);
          assertThat(e.code()).isEqualTo("unsupported_schema");
        })
        .hasMessageContaining("version 99").hasMessageContaining("up to " + newest)
        .hasMessageContaining(options.schema()).hasMessageContaining("newer Annals");
    assertThat(PostgresAppendTest.count(options, "SELECT version FROM annals_schema")).isEqualTo(99);
  }

  @Test
  void later_scripts_are_applied_in_order_once_each_on_a_schema_at_an_earlier_version() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    PostgresEventStore.open(options).close(); // version 1
    List<String> scripts = new ArrayList<>();
    SchemaMigration bundled = SchemaMigration.bundled();
    for (int v = 1; v <= bundled.newest(); v++) {
      scripts.add(new String(SchemaMigration.class.getResourceAsStream("schema-" + v + ".sql").readAllBytes()));
    }
    scripts.add("CREATE TABLE migration_log (step int); INSERT INTO migration_log VALUES (" + (bundled.newest() + 1) + ");");
    scripts.add("INSERT INTO migration_log VALUES (" + (bundled.newest() + 2) + ");");
    SchemaMigration next = new SchemaMigration(scripts);
    try (Connection c = PostgresAppendTest.sql(options)) {
      assertThat(next.migrate(c, options.schema())).isEqualTo(bundled.newest());
      assertThat(next.migrate(c, options.schema())).isEqualTo(next.newest()); // again: nothing to do
    }
    assertThat(PostgresAppendTest.count(options, "SELECT (array_agg(step ORDER BY ctid) = ARRAY["
        + (bundled.newest() + 1) + ", " + (bundled.newest() + 2) + "])::int FROM migration_log")).isEqualTo(1);
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM migration_log")).isEqualTo(2);
    assertThat(PostgresAppendTest.count(options, "SELECT version FROM annals_schema")).isEqualTo(next.newest());
    // and this Annals, which knows fewer versions, now refuses it
    assertThatThrownBy(() -> PostgresEventStore.open(options)).isInstanceOf(UnsupportedSchemaException.class);
  }

  @Test
  void a_failing_script_leaves_the_schema_as_it_was() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    SchemaMigration broken = new SchemaMigration(List.of("CREATE TABLE annals_schema (version int);"
        + " CREATE TABLE half_done (x int); SELECT no_such_function();"));
    try (Connection c = PostgresAppendTest.sql(options)) {
      assertThatThrownBy(() -> broken.migrate(c, options.schema())).isInstanceOf(java.sql.SQLException.class);
    }
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM pg_namespace WHERE nspname = '"
        + options.schema() + "'")).isZero();
    PostgresEventStore.open(options).close(); // and a real open still works
  }

  @Test
  void many_processes_opening_a_new_store_at_once_create_it_once() throws Exception {
    PostgresOptions options = PgStores.freshOptions().withPoolSize(3);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Long>> opens = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        opens.add(() -> {
          try (PostgresEventStore store = PostgresEventStore.open(options)) {
            return store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1")).lastPosition();
          }
        });
      }
      List<Long> positions = new ArrayList<>();
      for (Future<Long> f : pool.invokeAll(opens)) {
        positions.add(f.get());
      }
      assertThat(positions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    } finally {
      pool.shutdown();
    }
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_schema")).isEqualTo(1);
    assertThat(PostgresAppendTest.count(options, "SELECT count(*) FROM annals_head")).isEqualTo(1);
  }

  @Test
  void opening_a_store_on_a_server_that_is_not_there_is_unavailable_and_names_it() {
    PostgresOptions options = PostgresOptions.of("postgresql://annals@127.0.0.1:1/nowhere")
        .withConnectTimeout(Duration.ofMillis(500));
    assertThatThrownBy(() -> PostgresEventStore.open(options))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("postgresql://annals@127.0.0.1:1/nowhere");
  }
}
