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

  /**
   * A category page is a function call, whose inner statements EXPLAIN does not show: what it reads is
   * counted instead. 500 events of a category holding a twentieth of the log, from the start, from the
   * middle, and back from the end, each touch a few hundred pages of the log's thousands.
   */
  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_of_a_category_reads_only_that_categorys_rows(boolean generic) throws SQLException {
    long pages = count("SELECT relpages FROM pg_class WHERE oid = '" + rows.schema() + ".annals_events'::regclass");
    assertThat(pages).isGreaterThan(1_000);
    for (String category : List.of("cat1", "cat7")) {
      for (long from : List.of(1L, 100_000L)) {
        for (boolean forward : List.of(true, false)) {
          long read = pagesRead(generic, Filter.category(category), forward ? from : EVENTS - from, forward, 500);
          assertThat(read).as("%s from %d %s", category, from, forward ? "forward" : "backward").isLessThan(pages / 4);
        }
      }
    }
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_of_a_category_with_types_still_reads_only_that_categorys_rows(boolean generic) throws SQLException {
    long pages = count("SELECT relpages FROM pg_class WHERE oid = '" + rows.schema() + ".annals_events'::regclass");
    long read = pagesRead(generic, Filter.category("cat3").withTypes(java.util.Set.of("Bulk")), 50_000L, true, 500);
    assertThat(read).isLessThan(pages / 4);
  }

  /**
   * A group's first round trip under the head lock (annals_lock_group) reads its streams and ids by primary
   * key and unique index: a few pages of the 200,000-event log (and of the catalog, when the function is
   * first planned in the session), whatever the session's plan mode.
   */
  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void the_lock_and_read_of_a_group_reads_by_index(boolean generic) throws SQLException {
    long ids;
    String sql;
    try (Connection c = rows.pool().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
      try (ResultSet r = s.executeQuery("SELECT array_agg(event_id) FILTER (WHERE position % 20000 = 7),"
          + " (SELECT array_agg(DISTINCT stream) FROM annals_events WHERE position <= 30) FROM annals_events")) {
        r.next();
        sql = "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM annals_lock_group('" + r.getString(2) + "'::text[], '"
            + r.getString(1) + "'::uuid[])";
      }
      long pages = -1;
      ids = 0;
      try (ResultSet r = s.executeQuery(sql)) {
        while (r.next()) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?")
              .matcher(r.getString(1));
          if (pages < 0 && m.find()) {
            pages = Long.parseLong(m.group(1)) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
          }
          java.util.regex.Matcher rows = java.util.regex.Pattern.compile("actual time=\\S+ rows=(\\d+)")
              .matcher(r.getString(1));
          if (ids == 0 && rows.find()) {
            ids = Long.parseLong(rows.group(1));
          }
        }
      } finally {
        s.execute("RESET plan_cache_mode");
      }
      assertThat(ids).as("the head, no stream row (bulk rows have none), ten written events").isEqualTo(11);
      long log = count("SELECT relpages FROM pg_class WHERE oid = '" + rows.schema() + ".annals_events'::regclass");
      assertThat(pages).as("pages read of a log of %d", log).isPositive().isLessThan(log / 10);
    }
  }

  @ParameterizedTest(name = "generic plan: {0}")
  @ValueSource(booleans = {false, true})
  void read_all_unfiltered_walks_the_primary_key(boolean generic) throws SQLException {
    String plan = explain(generic, reads.reader().readAllSql(true, FilterSql.of(Filter.all())), 100_000L, 1_000);
    assertThat(plan).contains("annals_events_pkey").doesNotContain("Seq Scan on annals_events");
  }

  /** Shared buffers (pages) a category page touched, from EXPLAIN (ANALYZE, BUFFERS) of its statement. */
  private static long pagesRead(boolean generic, Filter filter, long from, boolean forward, int limit)
      throws SQLException {
    try (Connection c = rows.pool().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + reads.reader().categorySql())) {
        EventReader.bindCategoryPage(c, ps, filter, from, forward, limit);
        long pages = -1;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?")
                .matcher(rs.getString(1));
            if (pages < 0 && m.find()) { // the top node's: the whole statement's
              pages = Long.parseLong(m.group(1)) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
            }
          }
        }
        assertThat(pages).as("buffers reported").isPositive();
        return pages;
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("RESET plan_cache_mode");
        }
      }
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = rows.pool().getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
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
