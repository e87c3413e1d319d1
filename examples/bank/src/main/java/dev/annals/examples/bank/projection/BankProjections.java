package dev.annals.examples.bank.projection;

import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.order.OrderEvent;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The bank's projections for a {@link dev.annals.cqrs.projection.JdbcTarget}. Each is partition-safe
 * (rows of one account or order are written only by that stream's events, in stream order; daily
 * totals only add, which commutes). Queries read the live version through
 * {@link BankReadModels}.
 *
 * <ul>
 *   <li>{@code bank_balances} v2: table {@code balances} (account_id, owner, balance, status, updated_at),
 *       and {@code balance_fees} (fee_id, amount, reversed), so that a reversal gives back only a fee
 *       it charged (v1 gave it back unconditionally, which counted a correction twice in a valid-at build).
 *   <li>{@code bank_statements}: table {@code statement_lines} (account_id, version, position,
 *       effective_at, recorded_at, kind, reference, amount, balance_after, reversed) and its running
 *       balances {@code statement_accounts}. <b>v1 has a deliberate bug</b>: it ignores fee reversals,
 *       so after a corrected fee its lines and running balance are wrong. v2 books the reversal and
 *       marks the reversed fee's line. The demo rebuilds v1 into v2 without downtime.
 *   <li>{@code bank_daily_totals} v1: table {@code daily_totals} per effective day (UTC): deposits,
 *       withdrawals, fees (net of reversals, on the fee's own day), transfers, payments, refunds, events.
 *   <li>{@code bank_orders} v1: table {@code orders} (order_id, account_id, item, amount, status,
 *       updated_at), statuses as {@link dev.annals.examples.bank.order.OrderState#status()}.
 * </ul>
 */
public final class BankProjections {

  private BankProjections() {}

  public static final String BALANCES = "bank_balances";
  public static final String STATEMENTS = "bank_statements";
  public static final String DAILY_TOTALS = "bank_daily_totals";
  public static final String ORDERS = "bank_orders";
  /** Every projection's name, in the order {@link #initial()} lists them. */
  public static final List<String> NAMES = List.of(BALANCES, STATEMENTS, DAILY_TOTALS, ORDERS);

  private static final EventCodec<AccountEvent> ACCOUNTS = BankCodecs.accounts();
  private static final EventCodec<OrderEvent> ORDER_EVENTS = BankCodecs.orders();

  /** What the demo starts with: balances, statements v1 (buggy), daily totals, orders. */
  public static List<Projection<JdbcSession>> initial() {
    return List.of(balances(), statementsV1(), dailyTotals(), orders());
  }

  private static String accountId(RecordedEvent e) {
    return e.stream().substring(AccountDecider.CATEGORY.length() + 1);
  }

  /**
   * Balances, exact in recorded order and in a valid-at build too ({@code AsOfBuild.buildValidAt}): a fee
   * reversal gives back only a fee this read model charged (table {@code balance_fees}), as the account's
   * fold does. In a valid-at view the reversal revokes the charge, so the charge is left out; giving the
   * fee back anyway would count the correction twice.
   */
  public static Projection<JdbcSession> balances() {
    return Projection.<JdbcSession>named(BALANCES, 2)
        .tables("balances", "balance_fees")
        .setup(db -> {
          db.execute("CREATE TABLE IF NOT EXISTS {balances} (account_id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
              + " balance INTEGER NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL)");
          db.execute("CREATE TABLE IF NOT EXISTS {balance_fees} (fee_id TEXT PRIMARY KEY, amount INTEGER NOT NULL,"
              + " reversed INTEGER NOT NULL)");
        })
        .filter(Filter.category(AccountDecider.CATEGORY))
        .onAny(ACCOUNTS::decode, (JdbcSession db, AccountEvent event, RecordedEvent env) -> {
          String id = accountId(env);
          String at = env.recordedAt().toString();
          switch (event) {
            case AccountEvent.AccountOpened o -> db.update("INSERT INTO {balances} (account_id, owner, balance, status,"
                + " updated_at) VALUES (?, ?, 0, 'open', ?)", id, o.owner(), at);
            case AccountEvent.AccountClosed c ->
                db.update("UPDATE {balances} SET status = 'closed', updated_at = ? WHERE account_id = ?", at, id);
            case AccountEvent.FeeReversed r -> {
              if (db.update("UPDATE {balance_fees} SET reversed = 1 WHERE fee_id = ? AND reversed = 0",
                  r.feeId().toString()) == 1) {
                db.update("UPDATE {balances} SET balance = balance + ?, updated_at = ? WHERE account_id = ?",
                    r.amount(), at, id);
              }
            }
            default -> {
              if (event instanceof AccountEvent.FeeCharged f) {
                db.update("INSERT INTO {balance_fees} (fee_id, amount, reversed) VALUES (?, ?, 0)",
                    f.feeId().toString(), f.amount());
              }
              db.update("UPDATE {balances} SET balance = balance + ?, updated_at = ? WHERE account_id = ?",
                  delta(event), at, id);
            }
          }
        })
        .build();
  }

  /** The signed effect of an event on the balance, in recorded order (a fee reversal gives the fee back). */
  static long delta(AccountEvent event) {
    return switch (event) {
      case AccountEvent.AccountOpened o -> 0;
      case AccountEvent.AccountClosed c -> 0;
      case AccountEvent.Deposited d -> d.amount();
      case AccountEvent.Withdrawn w -> -w.amount();
      case AccountEvent.FeeCharged f -> -f.amount();
      case AccountEvent.FeeReversed r -> r.amount();
      case AccountEvent.Debited d -> -d.amount();
      case AccountEvent.Credited c -> c.amount();
      case AccountEvent.DebitReversed r -> r.amount();
    };
  }

  /** The statement with its deliberate bug: fee reversals are ignored (no line, no change of balance). */
  public static Projection<JdbcSession> statementsV1() {
    return statements(1, false);
  }

  /** The fixed statement: a reversal is booked and the reversed fee's line is marked. */
  public static Projection<JdbcSession> statementsV2() {
    return statements(2, true);
  }

  private static Projection<JdbcSession> statements(int version, boolean bookReversals) {
    return Projection.<JdbcSession>named(STATEMENTS, version)
        .tables("statement_lines", "statement_accounts")
        .setup(db -> {
          db.execute("CREATE TABLE IF NOT EXISTS {statement_lines} (account_id TEXT NOT NULL, version INTEGER NOT NULL,"
              + " position INTEGER NOT NULL, effective_at TEXT NOT NULL, recorded_at TEXT NOT NULL, kind TEXT NOT NULL,"
              + " reference TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL,"
              + " reversed INTEGER NOT NULL, PRIMARY KEY (account_id, version))");
          db.execute("CREATE TABLE IF NOT EXISTS {statement_accounts} (account_id TEXT PRIMARY KEY,"
              + " balance INTEGER NOT NULL)");
        })
        .filter(Filter.category(AccountDecider.CATEGORY))
        .onAny(ACCOUNTS::decode, (JdbcSession db, AccountEvent event, RecordedEvent env) -> {
          String id = accountId(env);
          if (event instanceof AccountEvent.AccountOpened) {
            db.update("INSERT INTO {statement_accounts} (account_id, balance) VALUES (?, 0)", id);
            return;
          }
          if (event instanceof AccountEvent.AccountClosed) {
            return;
          }
          if (event instanceof AccountEvent.FeeReversed r) {
            if (!bookReversals) {
              return; // v1's bug: the correction never reaches the statement
            }
            if (db.update("UPDATE {statement_lines} SET reversed = 1 WHERE account_id = ? AND kind = 'FeeCharged'"
                + " AND reference = ?", id, r.feeId().toString()) == 0) {
              return; // the fee is not on this statement (a valid-at build leaves the revoked charge out)
            }
          }
          long amount = delta(event);
          long balance = db.queryOne("SELECT balance FROM {statement_accounts} WHERE account_id = ?",
              row -> row.getLong(1), id).orElse(0L) + amount;
          db.update("UPDATE {statement_accounts} SET balance = ? WHERE account_id = ?", balance, id);
          db.update("INSERT INTO {statement_lines} (account_id, version, position, effective_at, recorded_at, kind,"
              + " reference, amount, balance_after, reversed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
              id, env.version(), env.position(), env.effectiveAt().toString(), env.recordedAt().toString(),
              env.type(), reference(event), amount, balance);
        })
        .build();
  }

  private static String reference(AccountEvent event) {
    return switch (event) {
      case AccountEvent.FeeCharged f -> f.feeId().toString();
      case AccountEvent.FeeReversed r -> r.feeId().toString();
      case AccountEvent.Debited d -> d.reference();
      case AccountEvent.Credited c -> c.reference();
      case AccountEvent.DebitReversed r -> r.reference();
      default -> "";
    };
  }

  public static Projection<JdbcSession> dailyTotals() {
    return Projection.<JdbcSession>named(DAILY_TOTALS, 1)
        .tables("daily_totals")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {daily_totals} (day TEXT PRIMARY KEY,"
            + " deposits INTEGER NOT NULL, withdrawals INTEGER NOT NULL, fees INTEGER NOT NULL,"
            + " transfers INTEGER NOT NULL, payments INTEGER NOT NULL, refunds INTEGER NOT NULL,"
            + " events INTEGER NOT NULL)"))
        .filter(Filter.category(AccountDecider.CATEGORY))
        .onAny(ACCOUNTS::decode, (JdbcSession db, AccountEvent event, RecordedEvent env) -> {
          String day = env.effectiveAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
          db.update("INSERT INTO {daily_totals} (day, deposits, withdrawals, fees, transfers, payments, refunds, events)"
              + " VALUES (?, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT(day) DO NOTHING", day);
          switch (event) {
            case AccountEvent.Deposited d -> add(db, day, "deposits", d.amount());
            case AccountEvent.Withdrawn w -> add(db, day, "withdrawals", w.amount());
            case AccountEvent.FeeCharged f -> add(db, day, "fees", f.amount());
            case AccountEvent.FeeReversed r -> add(db, day, "fees", -r.amount());
            case AccountEvent.Debited d -> add(db, day, isOrder(d.reference()) ? "payments" : "transfers", d.amount());
            case AccountEvent.DebitReversed r when isOrder(r.reference()) -> add(db, day, "refunds", r.amount());
            case AccountEvent.DebitReversed r -> add(db, day, "transfers", -r.amount());
            default -> add(db, day, "events", 0);
          }
        })
        .build();
  }

  private static boolean isOrder(String reference) {
    return reference.startsWith(OrderDecider.CATEGORY + "-");
  }

  private static void add(JdbcSession db, String day, String column, long amount) throws java.sql.SQLException {
    if (column.equals("events")) {
      db.update("UPDATE {daily_totals} SET events = events + 1 WHERE day = ?", day);
    } else {
      db.update("UPDATE {daily_totals} SET " + column + " = " + column + " + ?, events = events + 1 WHERE day = ?",
          amount, day);
    }
  }

  public static Projection<JdbcSession> orders() {
    return Projection.<JdbcSession>named(ORDERS, 1)
        .tables("orders")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {orders} (order_id TEXT PRIMARY KEY, account_id TEXT NOT NULL,"
            + " item TEXT NOT NULL, amount INTEGER NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL)"))
        .filter(Filter.category(OrderDecider.CATEGORY))
        .onAny(ORDER_EVENTS::decode, (JdbcSession db, OrderEvent event, RecordedEvent env) -> {
          String id = env.stream().substring(OrderDecider.CATEGORY.length() + 1);
          String at = env.recordedAt().toString();
          String status = switch (event) {
            case OrderEvent.OrderPlaced p -> {
              db.update("INSERT INTO {orders} (order_id, account_id, item, amount, status, updated_at)"
                  + " VALUES (?, ?, ?, ?, 'placed', ?)", id, p.accountId(), p.item(), p.amount(), at);
              yield "placed";
            }
            case OrderEvent.PaymentCharged c -> "paid";
            case OrderEvent.PaymentDeclined d -> "declined";
            case OrderEvent.ItemShipped s -> "shipped";
            case OrderEvent.DeliveryConfirmed d -> "delivered";
            case OrderEvent.OrderCancelled c -> db.queryOne("SELECT status FROM {orders} WHERE order_id = ?",
                row -> row.getString(1), id).filter("paid"::equals).isPresent() ? "cancelled_refund_due" : "cancelled";
            case OrderEvent.OrderRefunded r -> "refunded";
          };
          db.update("UPDATE {orders} SET status = ?, updated_at = ? WHERE order_id = ?", status, at, id);
        })
        .build();
  }
}
