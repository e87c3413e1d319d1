package dev.annals.examples.bank.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.cqrs.codec.Mappers;
import dev.annals.examples.bank.projection.BankReadModels;
import dev.annals.module.ProjectionQuery;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The bank's read-model queries, served at {@code GET /projections/{projection}/{query}}:
 * <ul>
 *   <li>{@code bank_balances/rows[?accountId=]}: every balance, or one account's (404 when unknown);
 *   <li>{@code bank_statements/lines?accountId=}: an account's statement lines in recorded order;
 *   <li>{@code bank_daily_totals/days?from=&to=}: totals per effective day (ISO dates, inclusive);
 *   <li>{@code bank_orders/counts}: orders per status.
 * </ul>
 * Thread-safe (stateless).
 */
public final class BankQueries {

  private static final ObjectMapper JSON = Mappers.strictRecords();

  private BankQueries() {}

  public static final ProjectionQuery BALANCES = (reader, params) -> {
    allow(params, Set.of("accountId"));
    BankReadModels rm = new BankReadModels(reader);
    List<BankReadModels.Balance> rows = params.containsKey("accountId")
        ? List.of(rm.balance(params.get("accountId")).orElseThrow(() ->
            new NoSuchElementException("no balance for account '" + params.get("accountId") + "'")))
        : rm.balances();
    ObjectNode out = JSON.createObjectNode();
    out.set("balances", JSON.valueToTree(rows));
    return out;
  };

  public static final ProjectionQuery STATEMENT = (reader, params) -> {
    allow(params, Set.of("accountId"));
    String account = required(params, "accountId");
    List<BankReadModels.StatementLine> lines = new BankReadModels(reader).statement(account);
    if (lines.isEmpty()) {
      throw new NoSuchElementException("no statement for account '" + account + "'");
    }
    ObjectNode out = JSON.createObjectNode().put("accountId", account).put("balance", lines.getLast().balanceAfter());
    out.set("lines", JSON.valueToTree(lines));
    return out;
  };

  public static final ProjectionQuery DAILY_TOTALS = (reader, params) -> {
    allow(params, Set.of("from", "to"));
    String from = date(params, "from");
    String to = date(params, "to");
    ObjectNode out = JSON.createObjectNode();
    out.set("days", JSON.valueToTree(new BankReadModels(reader).dailyTotals(from, to)));
    return out;
  };

  public static final ProjectionQuery ORDER_COUNTS = (reader, params) -> {
    allow(params, Set.of());
    ObjectNode out = JSON.createObjectNode();
    out.set("byStatus", JSON.valueToTree(new BankReadModels(reader).ordersByStatus()));
    return out;
  };

  private static void allow(Map<String, String> params, Set<String> allowed) {
    for (String p : params.keySet()) {
      if (!allowed.contains(p)) {
        throw new IllegalArgumentException("unknown query parameter '" + p + "'; allowed: "
            + allowed.stream().sorted().toList());
      }
    }
  }

  private static String required(Map<String, String> params, String name) {
    return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty())
        .orElseThrow(() -> new IllegalArgumentException("query parameter '" + name + "' is required"));
  }

  private static String date(Map<String, String> params, String name) {
    String v = required(params, name);
    try {
      return LocalDate.parse(v).toString();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO date (2024-01-31), was '" + v + "'");
    }
  }
}
