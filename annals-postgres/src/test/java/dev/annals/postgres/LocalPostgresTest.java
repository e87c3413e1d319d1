package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPostgres.class)
class LocalPostgresTest {

  @Test
  void aNewDatabaseAcceptsConnectionsAndKeepsCommittedRowsAcrossAnImmediateStop(LocalPostgres pg) throws Exception {
    String db = pg.createDatabase();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db)); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (n int)");
      s.execute("INSERT INTO t VALUES (1), (2)");
    }
    pg.stop(LocalPostgres.StopMode.IMMEDIATE);
    assertThat(pg.isRunning()).isFalse();
    assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(db)).close()).isInstanceOf(SQLException.class);
    pg.restart();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db)); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT sum(n), current_setting('server_version_num')::int FROM t")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(3);
      assertThat(r.getInt(2)).isGreaterThanOrEqualTo(150000);
    }
  }

  @Test
  void databaseNamesAreCheckedBeforeTheyReachSql(LocalPostgres pg) {
    assertThatThrownBy(() -> pg.createDatabase("x; DROP DATABASE postgres"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
