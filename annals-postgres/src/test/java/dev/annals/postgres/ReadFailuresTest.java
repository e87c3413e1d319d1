package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.StoreUnavailableException;
import java.io.EOFException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which failed reads are the database being away (unavailable, retried) and which are bugs (loud). */
class ReadFailuresTest {

  @Test
  void a_lost_or_refused_connection_is_unavailable() {
    for (SQLException e : new SQLException[] {
        new SQLException("refused", "08001"), new SQLException("terminated", "57P01"),
        new SQLException("starting up", "57P03"), new SQLException("too many", "53300"),
        new SQLException("bad password", "28P01"), new SQLException("cancelled", "57014"),
        new SQLTransientConnectionException("pool timed out"), new SQLException("io", null, new EOFException())}) {
      assertThat(ReadFailures.of("reading", e)).as(e.getMessage()).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("PostgreSQL is unavailable");
    }
  }

  @Test
  void a_statement_postgresql_rejects_is_a_bug_not_an_outage() {
    for (SQLException e : new SQLException[] {
        new SQLException("no such table", "42P01"), new SQLException("syntax", "42601"),
        new SQLException("no state")}) {
      assertThat(ReadFailures.of("reading", e)).as(e.getMessage()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("PostgreSQL refused reading");
    }
  }
}
