package dev.annals.postgres;

import dev.annals.core.Filter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Filter} as SQL conditions on annals_events (alias {@code e}), exactly
 * {@link Filter#matches}: the category as {@code split_part(stream, '-', 1)} (the part before the first
 * dash, the whole name without one; the expression the {@code annals_events_category} index is built
 * on), the prefix with {@code starts_with}, the types with {@code = ANY}, system streams by their first
 * character. Immutable.
 *
 * @param conditions {@code " AND ..."} clauses to append to a WHERE (empty for everything)
 */
record FilterSql(String conditions, List<String> texts, List<String> types) {

  static FilterSql of(Filter filter) {
    StringBuilder sql = new StringBuilder();
    List<String> texts = new ArrayList<>(2);
    if (!filter.includeSystem()) {
      sql.append(" AND left(e.stream, 1) <> '$'");
    }
    filter.category().ifPresent(category -> {
      sql.append(" AND split_part(e.stream, '-', 1) = ?");
      texts.add(category);
    });
    filter.prefix().ifPresent(prefix -> {
      sql.append(" AND starts_with(e.stream, ?)");
      texts.add(prefix);
    });
    List<String> types = List.copyOf(filter.types());
    if (!types.isEmpty()) {
      sql.append(" AND e.type = ANY (?)");
    }
    return new FilterSql(sql.toString(), texts, types);
  }

  /**
   * The position expression a page is bounded and ordered by. With a category it is
   * {@code (e.position + 0)}, the second column of the category index and of no other: only that index
   * yields rows in that order, so the plan reads the category's rows alone instead of walking the whole
   * log by its primary key, which the planner would otherwise pick whenever it guesses the category is
   * common and spread evenly over the log (a guess that costs a scan of everything before a category that
   * is rare, or new).
   */
  String positionKey() {
    return conditions.contains("split_part") ? "(e.position + 0)" : "e.position";
  }

  /** Binds this filter's parameters from {@code index}; returns the next free index. */
  int bind(Connection c, PreparedStatement ps, int index) throws SQLException {
    int p = index;
    for (String text : texts) {
      ps.setString(p++, text);
    }
    if (!types.isEmpty()) {
      ps.setArray(p++, c.createArrayOf("text", types.toArray(new String[0])));
    }
    return p;
  }
}
