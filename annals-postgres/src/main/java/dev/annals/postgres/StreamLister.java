package dev.annals.postgres;

import dev.annals.core.AppendValidator;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Lists streams from annals_streams in name order, never from the log: a range scan of its primary key
 * (collated "C", so byte order of UTF-8, which is code point order) from the query's first possible name
 * to the end of its prefix, the category and system-stream rules checked on the way. A category narrows
 * the range too: a stream of category {@code c} starts with {@code c}. Thread-safe.
 *
 * <p>Name order is the other engines' (Java's String order) for every name except where a character in
 * U+E000..U+FFFF meets one above U+FFFF at the same place: Java orders by UTF-16 units, PostgreSQL by
 * code point.
 */
final class StreamLister {

  private final DataSource pool;
  private final SchemaTables tables;
  private final AppendValidator validator;

  StreamLister(DataSource pool, SchemaTables tables, AppendValidator validator) {
    this.pool = pool;
    this.tables = tables;
    this.validator = validator;
  }

  List<StreamInfo> list(StreamQuery query, int limit) {
    validator.checkLimit(limit);
    // the range every listed name lies in: from the prefix (or the category, if longer) to past it
    String start = query.category().filter(c -> c.startsWith(query.prefix())).orElse(query.prefix());
    Optional<String> after = query.after();
    Optional<String> upper = successor(start);
    StringBuilder sql = new StringBuilder("SELECT stream, version, last_position, last_recorded_at FROM ")
        .append(tables.streams()).append(" WHERE stream >= ? COLLATE \"C\"");
    List<String> params = new ArrayList<>();
    params.add(start);
    if (upper.isPresent()) {
      sql.append(" AND stream < ? COLLATE \"C\"");
      params.add(upper.get());
    }
    if (after.isPresent()) {
      sql.append(" AND stream > ? COLLATE \"C\"");
      params.add(after.get());
    }
    if (!query.includesSystem()) {
      sql.append(" AND left(stream, 1) <> '$'");
    }
    if (query.category().isPresent()) {
      sql.append(" AND split_part(stream, '-', 1) = ?");
      params.add(query.category().get());
    }
    if (!query.prefix().isEmpty()) {
      sql.append(" AND starts_with(stream, ?)");
      params.add(query.prefix());
    }
    sql.append(" ORDER BY stream LIMIT ?");
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (String s : params) {
        ps.setString(p++, s);
      }
      ps.setInt(p, limit);
      List<StreamInfo> out = new ArrayList<>(Math.min(limit, 64));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StreamInfo(rs.getString(1), rs.getLong(2), rs.getLong(3),
              rs.getObject(4, OffsetDateTime.class).toInstant()));
        }
      }
      return out;
    } catch (SQLException e) {
      throw ReadFailures.of("listing streams", e);
    }
  }

  /**
   * The smallest string (in code point order) above every string starting with {@code prefix}: the
   * prefix with its last code point incremented (dropping trailing U+10FFFF); empty when there is none
   * (the empty prefix, or only U+10FFFF).
   */
  static Optional<String> successor(String prefix) {
    int[] cps = prefix.codePoints().toArray();
    for (int n = cps.length; n > 0; n--) {
      int last = cps[n - 1];
      if (last < Character.MAX_CODE_POINT) {
        int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
        int[] out = Arrays.copyOf(cps, n);
        out[n - 1] = next;
        return Optional.of(new String(out, 0, n));
      }
    }
    return Optional.empty();
  }
}
