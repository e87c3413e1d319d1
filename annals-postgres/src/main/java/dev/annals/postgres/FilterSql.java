package dev.annals.postgres;

import dev.annals.core.Filter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Filter} without a category as SQL conditions on annals_events (alias {@code e}), exactly
 * {@link Filter#matches}: the prefix with {@code starts_with}, the types with {@code = ANY}, system streams
 * by their first character. (A category read is the schema's {@code annals_category_page}: see
 * {@link EventReader}.) Immutable.
 *
 * @param conditions {@code " AND ..."} clauses to append to a WHERE (empty for everything)
 */
record FilterSql(String conditions, List<String> texts, List<String> types) {

  static FilterSql of(Filter filter) {
    if (filter.category().isPresent()) {
      throw new IllegalArgumentException("a category read is not a condition: " + filter);
    }
    StringBuilder sql = new StringBuilder();
    List<String> texts = new ArrayList<>(2);
    if (!filter.includeSystem()) {
      sql.append(" AND left(e.stream, 1) <> '$'");
    }
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
