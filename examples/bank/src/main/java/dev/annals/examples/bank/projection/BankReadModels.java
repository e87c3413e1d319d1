package dev.annals.examples.bank.projection;

import dev.annals.cqrs.projection.ReadModelException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Queries over the live versions of the bank's read models, through the views a
 * {@link dev.annals.cqrs.projection.JdbcTarget} keeps under the logical table names. Give it a reader
 * connection ({@code JdbcTarget.openReader()}); the caller closes it. Not thread-safe (one connection).
 */
public final class BankReadModels {

  /** One line of an account statement; amounts in cents, signed. */
  public record StatementLine(String accountId, long version, long position, String effectiveAt, String recordedAt,
      String kind, String reference, long amount, long balanceAfter, boolean reversed) {}

  /** Totals of one effective day (UTC), in cents; fees are net of reversals, transfers net of refunds. */
  public record DailyTotal(String day, long deposits, long withdrawals, long fees, long transfers, long payments,
      long refunds, long events) {}

  /** An account's balance as the balances read model has it. */
  public record Balance(String accountId, String owner, long balance, String status, String updatedAt) {}

  private final Connection reader;

  public BankReadModels(Connection reader) {
    this.reader = reader;
  }

  public Optional<Balance> balance(String accountId) {
    List<Balance> rows = query("SELECT account_id, owner, balance, status, updated_at FROM balances WHERE account_id = ?",
        r -> new Balance(r.getString(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5)), accountId);
    return rows.stream().findFirst();
  }

  public List<Balance> balances() {
    return query("SELECT account_id, owner, balance, status, updated_at FROM balances ORDER BY account_id",
        r -> new Balance(r.getString(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5)));
  }

  /** The statement of an account, in the order its events were recorded. */
  public List<StatementLine> statement(String accountId) {
    return query("SELECT account_id, version, position, effective_at, recorded_at, kind, reference, amount,"
        + " balance_after, reversed FROM statement_lines WHERE account_id = ? ORDER BY version",
        r -> new StatementLine(r.getString(1), r.getLong(2), r.getLong(3), r.getString(4), r.getString(5),
            r.getString(6), r.getString(7), r.getLong(8), r.getLong(9), r.getInt(10) != 0), accountId);
  }

  /** Daily totals for days {@code from} .. {@code to} (ISO dates, inclusive). */
  public List<DailyTotal> dailyTotals(String from, String to) {
    return query("SELECT day, deposits, withdrawals, fees, transfers, payments, refunds, events FROM daily_totals"
        + " WHERE day >= ? AND day <= ? ORDER BY day",
        r -> new DailyTotal(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6),
            r.getLong(7), r.getLong(8)), from, to);
  }

  /** How many orders are in each status. */
  public Map<String, Long> ordersByStatus() {
    Map<String, Long> out = new LinkedHashMap<>();
    query("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status",
        r -> Map.entry(r.getString(1), r.getLong(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... params) {
    try (PreparedStatement ps = reader.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new ReadModelException("bank read model query failed: " + e.getMessage(), e);
    }
  }
}
