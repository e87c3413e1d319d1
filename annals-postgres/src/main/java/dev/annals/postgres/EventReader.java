package dev.annals.postgres;

import dev.annals.core.AppendValidator;
import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads pages of one stream or of the global log with one statement each: the page's rows and the end
 * they are measured against (the head, or the stream's last version) come from the same snapshot, so a
 * page never claims to have reached an end it did not see. Because positions are assigned in commit
 * order, every snapshot holds a gap-free prefix of the log and "the head" is simply the head row, updated
 * in the same transaction as the rows it covers: the rows need no bound by it (one the planner could not
 * estimate, which spoils its choice of index).
 *
 * <p>Filters are pushed into SQL: a category read is one call of the schema's {@code annals_category_page},
 * which walks the {@code annals_events_category} index (one entry per append, in position order) and
 * reads each append's further events by position, applying the other conditions; without a category,
 * event types and prefixes are conditions on the position range scan, system streams left out by their
 * first character. Page semantics are exactly
 * those of the in-memory reference engine (see {@link Pages}). Thread-safe (stateless but for the pool).
 */
final class EventReader {

  private final DataSource pool;
  private final SchemaTables tables;
  private final AppendValidator validator;
  private final String headSql;
  private final String streamVersionSql;
  private final String streamForwardSql;
  private final String streamBackwardSql;
  private final String categorySql;

  EventReader(DataSource pool, SchemaTables tables, AppendValidator validator) {
    this.pool = pool;
    this.tables = tables;
    this.validator = validator;
    this.headSql = "SELECT coalesce((SELECT position FROM " + tables.head() + "), 0)";
    this.streamVersionSql = "SELECT coalesce(max(version), 0) FROM " + tables.events() + " WHERE stream = ?";
    String size = "(SELECT coalesce(max(version), 0) AS size FROM " + tables.events() + " WHERE stream = ?) h";
    this.streamForwardSql = "SELECT h.size, " + EventRows.COLUMNS + " FROM " + size
        + " LEFT JOIN LATERAL (SELECT " + EventRows.COLUMNS + " FROM " + tables.events() + " e"
        + " WHERE e.stream = ? AND e.version >= ? ORDER BY e.version LIMIT ?) e ON true";
    this.streamBackwardSql = "SELECT h.size, " + EventRows.COLUMNS + " FROM " + size
        + " LEFT JOIN LATERAL (SELECT " + EventRows.COLUMNS + " FROM " + tables.events() + " e"
        + " WHERE e.stream = ? AND e.version <= ? ORDER BY e.version DESC LIMIT ?) e ON true";
    this.categorySql = "SELECT h.head, " + EventRows.COLUMNS + " FROM (" + headSql + " AS head) h LEFT JOIN "
        + tables.categoryPage() + "(?, ?, ?, ?, ?, ?, ?) e ON true";
  }

  /** The position of the last committed event; 0 when empty. */
  long headPosition() {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(headSql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw ReadFailures.of("reading the head", e);
    }
  }

  long streamVersion(String stream) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(streamVersionSql)) {
      ps.setString(1, stream);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw ReadFailures.of("reading a stream's version", e);
    }
  }

  Page readStream(String stream, long fromVersion, Direction direction, int limit) {
    StreamNames.validate(stream);
    validator.checkLimit(limit);
    boolean forward = direction == Direction.FORWARD;
    long from = forward ? Math.max(1, fromVersion) : fromVersion;
    if (!forward && from < 1) {
      return Pages.backward(List.of(), limit, e -> e.version());
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(forward ? streamForwardSql : streamBackwardSql)) {
      ps.setString(1, stream);
      ps.setString(2, stream);
      ps.setLong(3, from);
      ps.setInt(4, limit);
      Rows rows = rows(ps, limit);
      return forward
          ? Pages.forward(rows.events, from, limit, rows.end, RecordedEvent::version)
          : Pages.backward(rows.events, limit, RecordedEvent::version);
    } catch (SQLException e) {
      throw ReadFailures.of("reading a stream", e);
    }
  }

  Page readAll(long fromPosition, Direction direction, int limit, Filter filter) {
    validator.checkLimit(limit);
    boolean forward = direction == Direction.FORWARD;
    long from = forward ? Math.max(1, fromPosition) : fromPosition;
    if (!forward && from < 1) {
      return Pages.backward(List.of(), limit, RecordedEvent::position);
    }
    Optional<FilterSql> where = filter.category().isPresent() ? Optional.empty() : Optional.of(FilterSql.of(filter));
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(where.map(w -> readAllSql(forward, w)).orElse(categorySql))) {
      if (where.isEmpty()) {
        bindCategoryPage(c, ps, filter, from, forward, limit);
      } else {
        int p = 1;
        ps.setLong(p++, from);
        p = where.get().bind(c, ps, p);
        ps.setInt(p, limit);
      }
      Rows rows = rows(ps, limit);
      return forward
          ? Pages.forward(rows.events, from, limit, rows.end, RecordedEvent::position)
          : Pages.backward(rows.events, limit, RecordedEvent::position);
    } catch (SQLException e) {
      throw ReadFailures.of("reading the log", e);
    }
  }

  /** The statement of a readAll page of one category; parameters: see {@link #bindCategoryPage}. */
  String categorySql() {
    return categorySql;
  }

  /** Binds {@link #categorySql}'s parameters: the category, from, the direction, limit, types, system streams, prefix. */
  static void bindCategoryPage(Connection c, PreparedStatement ps, Filter filter, long from, boolean forward, int limit)
      throws SQLException {
    ps.setString(1, filter.category().orElseThrow());
    ps.setLong(2, from);
    ps.setBoolean(3, forward);
    ps.setInt(4, limit);
    if (filter.types().isEmpty()) {
      ps.setNull(5, java.sql.Types.ARRAY);
    } else {
      ps.setArray(5, c.createArrayOf("text", filter.types().toArray(new String[0])));
    }
    ps.setBoolean(6, !filter.includeSystem());
    ps.setString(7, filter.prefix().orElse(null));
  }

  /** The statement of a readAll page without a category; parameters: from, the filter's, limit. */
  String readAllSql(boolean forward, FilterSql where) {
    return "SELECT h.head, " + EventRows.COLUMNS + " FROM (" + headSql + " AS head) h"
        + " LEFT JOIN LATERAL (SELECT " + EventRows.COLUMNS + " FROM " + tables.events() + " e WHERE "
        + "e.position" + (forward ? " >= ?" : " <= ?")
        + where.conditions()
        + " ORDER BY e.position" + (forward ? "" : " DESC") + " LIMIT ?) e ON true";
  }

  /** The statement of a readStream page; parameters: stream, stream, from, limit. */
  String readStreamSql(boolean forward) {
    return forward ? streamForwardSql : streamBackwardSql;
  }

  /** The events of a page, and the end (head or stream size) of the snapshot they were read in. */
  private record Rows(List<RecordedEvent> events, long end) {}

  private static Rows rows(PreparedStatement ps, int limit) throws SQLException {
    List<RecordedEvent> out = new ArrayList<>(Math.min(limit, 1024));
    long end = 0;
    try (ResultSet rs = ps.executeQuery()) {
      EventRows events = new EventRows(rs, 2);
      while (rs.next()) {
        end = rs.getLong(1);
        rs.getLong(2);
        if (!rs.wasNull()) {
          out.add(events.read(rs));
        }
      }
    }
    return new Rows(out, end);
  }
}
