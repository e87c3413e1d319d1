package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Filter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The read side's statements use indexes, never a sequential scan of annals_events, on a log big enough
 * (200,000 events, 2,000 streams in 20 categories, analysed) for the planner to care: with the custom
 * plans PostgreSQL makes for the first executions of a prepared statement, and with the generic plan it
 * may switch to afterwards.
 */
@ExtendWith(TestPostgres.class)
class PgReadIndexUseTest {

  private static final int EVENTS = 200_000;
  private static RowWriter rows;
  private static ReadSide reads;

  @BeforeAll
  static void aBigLog(LocalPostgres server) {
    rows = RowWriter.create(server, server.createDatabase());
    List<String> streams = IntStream.range(0, 2_000).mapToObj(i -> "cat" + (i % 20) + "-" + i).toList();
    rows.bulk(EVENTS, streams);
    reads = rows.readSide();
  }

  @AfterAll
  static void close() {
    reads.close();
    rows.close();
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void position_at_searches_the_primary_key(boolean generic) throws SQLException {
    OffsetDateTime at = OffsetDateTime.ofInstant(Instant.parse("2020-01-01T00:01:00Z"), ZoneOffset.UTC);
    String plan = explain(generic, reads.positionAtQuery().findSql(), at);
    assertThat(plan).contains("Index Scan using annals_events_pkey").doesNotContain("Seq Scan on annals_events")
        .doesNotContain("Sort");
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_stream_uses_the_stream_version_index_both_ways(boolean generic) throws SQLException {
    for (boolean forward : List.of(true, false)) {
      String plan = explain(generic, reads.reader().readStreamSql(forward), "cat3-3", "cat3-3", forward ? 5L : 50L, 20);
      assertThat(plan).contains("annals_events_stream_version").doesNotContain("Seq Scan on annals_events")
          .doesNotContain("Sort");
    }
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_of_a_category_uses_the_category_index(boolean generic) throws SQLException {
    for (boolean forward : List.of(true, false)) {
      FilterSql where = FilterSql.of(Filter.category("cat7"));
      String plan = explain(generic, reads.reader().readAllSql(forward, where), forward ? 1_000L : 150_000L,
          "cat7", 500);
      assertThat(plan).contains("Index Scan").contains("annals_events_category")
          .doesNotContain("Seq Scan on annals_events").doesNotContain("Sort");
    }
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_of_a_common_category_from_the_start_still_reads_only_that_category(boolean generic)
      throws SQLException {
    String plan = explain(generic, reads.reader().readAllSql(true, FilterSql.of(Filter.category("cat1"))), 1L,
        "cat1", 1_000);
    assertThat(plan).contains("annals_events_category").doesNotContain("annals_events_pkey").doesNotContain("Sort");
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_unfiltered_walks_the_primary_key(boolean generic) throws SQLException {
    String plan = explain(generic, reads.reader().readAllSql(true, FilterSql.of(Filter.all())), 100_000L, 1_000);
    assertThat(plan).contains("annals_events_pkey").doesNotContain("Seq Scan on annals_events");
  }

  private static String explain(boolean generic, String sql, Object... params) throws SQLException {
    try (Connection c = rows.pool().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        return String.join("\n", lines);
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("RESET plan_cache_mode");
        }
      }
    }
  }
}
