package dev.annals.postgres;

import dev.annals.core.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A live store's events as {@link StoredEvent}s (the stored chain hash, append framing and imported flag),
 * a page at a time from a position, and the store's id: what an exporter reads. Positions are gap-free and
 * in commit order, so every committed row below the head is there to read. Thread-safe.
 */
final class StoredPages {

  private final DataSource pool;
  private final String pageSql;
  private final String storeIdSql;

  StoredPages(DataSource pool, SchemaTables tables) {
    this.pool = pool;
    this.pageSql = "SELECT " + StoredRows.COLUMNS + " FROM " + tables.events() + " WHERE position >= ?"
        + " ORDER BY position LIMIT ?";
    this.storeIdSql = "SELECT store_id FROM \"" + tables.schema().replace("\"", "\"\"") + "\".annals_schema";
  }

  List<StoredEvent> read(long fromPosition, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(pageSql)) {
      ps.setLong(1, Math.max(1, fromPosition));
      ps.setInt(2, limit);
      List<StoredEvent> out = new ArrayList<>(Math.min(limit, 1024));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(StoredRows.row(rs).stored());
        }
      }
      return out;
    } catch (SQLException e) {
      throw ReadFailures.of("reading stored events from position " + fromPosition, e);
    }
  }

  /** {@code annals_schema.store_id}, made with the schema. */
  UUID storeId() {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(storeIdSql);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("annals_schema has no row");
      }
      return rs.getObject(1, UUID.class);
    } catch (SQLException e) {
      throw ReadFailures.of("reading the store id", e);
    }
  }
}
