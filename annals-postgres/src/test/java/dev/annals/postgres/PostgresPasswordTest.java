package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The password, never in the URL: from PGPASSWORD, else the password file. The shared server trusts
 * every user but one, which this test makes require a password.
 */
@ExtendWith(TestPostgres.class)
class PostgresPasswordTest {

  static final String ROLE = "annals_pw";
  static final String PASSWORD = "se:cr\\et";

  @BeforeAll
  static void requireAPasswordOfOneRole(LocalPostgres pg) throws Exception {
    String db = PgStores.database();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db)); Statement s = c.createStatement()) {
      s.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
          + " CREATE ROLE " + ROLE + " LOGIN; END IF; END$$");
      s.execute("ALTER ROLE " + ROLE + " PASSWORD '" + PASSWORD.replace("'", "''") + "'");
      s.execute("GRANT CREATE ON DATABASE " + db + " TO " + ROLE);
      Path hba = pg.dataDirectory().resolve("pg_hba.conf");
      String rules = Files.readString(hba);
      if (!rules.contains(ROLE)) {
        Files.writeString(hba, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n" + rules);
      }
      s.execute("SELECT pg_reload_conf()");
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) { // the reload is asynchronous: wait until a connection without password is refused
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db).replace("user=annals", "user=" + ROLE))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the server still trusts " + ROLE);
        }
        Thread.sleep(50);
      } catch (SQLException refused) {
        return;
      }
    }
  }

  private static String url(LocalPostgres pg) {
    return "postgresql://" + ROLE + "@127.0.0.1:" + pg.port() + "/" + PgStores.database();
  }

  private static PostgresOptions options(PostgresUrl url) {
    return PostgresOptions.of(url).withSchema(PgStores.freshOptions().schema()).withPoolSize(3);
  }

  @Test
  void the_password_from_pgpassword_opens_the_store(LocalPostgres pg) {
    PostgresUrl url = PostgresUrl.parse(url(pg), Map.of("PGPASSWORD", PASSWORD));
    try (PostgresEventStore store = PostgresEventStore.open(options(url))) {
      assertThat(store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1")).lastPosition()).isEqualTo(1);
    }
  }

  @Test
  void without_pgpassword_the_password_file_is_read_with_wildcards_and_escapes(LocalPostgres pg) throws Exception {
    Path file = Files.createTempFile("pgpass", "");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(file, "# a comment\n"
        + "127.0.0.1:*:other_db:" + ROLE + ":wrong\n"
        + "127.0.0.1:*:*:" + ROLE + ":" + PASSWORD.replace("\\", "\\\\").replace(":", "\\:") + "\n");
    String before = System.getProperty("org.postgresql.pgpassfile");
    System.setProperty("org.postgresql.pgpassfile", file.toString()); // what PGPASSFILE names, for this JVM
    try (PostgresEventStore store = PostgresEventStore.open(options(PostgresUrl.parse(url(pg), Map.of())))) {
      assertThat(store.append("s-1", ExpectedVersion.ANY, EventData.of("A", "1")).lastPosition()).isEqualTo(1);
    } finally {
      if (before == null) {
        System.clearProperty("org.postgresql.pgpassfile");
      } else {
        System.setProperty("org.postgresql.pgpassfile", before);
      }
      Files.delete(file);
    }
  }

  @Test
  void a_wrong_password_is_refused_saying_where_the_password_comes_from(LocalPostgres pg) {
    PostgresUrl url = PostgresUrl.parse(url(pg), Map.of("PGPASSWORD", "wrong"));
    assertThatThrownBy(() -> PostgresEventStore.open(options(url)))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageContaining("PGPASSWORD").hasMessageContaining("~/.pgpass")
        .hasMessageNotContaining("wrong");
  }
}
