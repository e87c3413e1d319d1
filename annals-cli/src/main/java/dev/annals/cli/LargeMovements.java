package dev.annals.cli;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The read model the bank does not host itself, fed from Kafka in the cluster demo: per account, how many
 * money movements of at least {@link #THRESHOLD} cents it had and their total (what a fraud or notification
 * service would watch). {@link #fold} computes the same from the log, to show the two agree.
 */
final class LargeMovements {

  static final String NAME = "large_movements";
  /** 1,000.00 in cents. */
  static final long THRESHOLD = 100_000;
  private static final String TABLE = "large_movements";
  private static final EventCodec<AccountEvent> ACCOUNTS = BankCodecs.accounts();

  /** One account's large movements: how many, and their sum in cents. */
  record Watch(long count, long total) {
    Watch plus(long amount) {
      return new Watch(count + 1, total + amount);
    }
  }

  private LargeMovements() {}

  static Projection<JdbcSession> projection() {
    return Projection.<JdbcSession>named(NAME, 1)
        .tables(TABLE)
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {" + TABLE + "} (account_id TEXT PRIMARY KEY,"
            + " movements INTEGER NOT NULL, total INTEGER NOT NULL)"))
        .filter(Filter.category(AccountDecider.CATEGORY))
        .onAny(ACCOUNTS::decode, (JdbcSession db, AccountEvent event, RecordedEvent env) -> {
          OptionalLong amount = largeAmount(event);
          if (amount.isPresent()) {
            db.update("INSERT INTO {" + TABLE + "} (account_id, movements, total) VALUES (?, 1, ?) ON CONFLICT"
                + " (account_id) DO UPDATE SET movements = movements + 1, total = total + excluded.total",
                accountId(env), amount.getAsLong());
          }
        })
        .build();
  }

  /** The amount of a deposit, withdrawal or transfer leg of at least the threshold; empty for anything else. */
  static OptionalLong largeAmount(AccountEvent event) {
    long amount = switch (event) {
      case AccountEvent.Deposited d -> d.amount();
      case AccountEvent.Withdrawn w -> w.amount();
      case AccountEvent.Debited d -> d.amount();
      case AccountEvent.Credited c -> c.amount();
      default -> 0;
    };
    return amount >= THRESHOLD ? OptionalLong.of(amount) : OptionalLong.empty();
  }

  private static String accountId(RecordedEvent e) {
    return e.stream().substring(AccountDecider.CATEGORY.length() + 1);
  }

  /** The read model's rows, by account. */
  static Map<String, Watch> rows(JdbcTarget target) throws SQLException {
    Map<String, Watch> rows = new TreeMap<>();
    try (Connection c = target.openReader(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT account_id, movements, total FROM " + TABLE + "_v1")) {
      while (r.next()) {
        rows.put(r.getString(1), new Watch(r.getLong(2), r.getLong(3)));
      }
    }
    return rows;
  }

  /** The same rows folded from the whole log, read through {@code store}. */
  static Map<String, Watch> fold(EventStore store) {
    Map<String, Watch> rows = new TreeMap<>();
    long from = 1;
    while (true) {
      Page page = store.readAll(from, Direction.FORWARD, 10_000, Filter.category(AccountDecider.CATEGORY));
      for (RecordedEvent e : page.events()) {
        OptionalLong amount = largeAmount(ACCOUNTS.decode(e));
        if (amount.isPresent()) {
          rows.merge(accountId(e), new Watch(1, amount.getAsLong()), (a, b) -> a.plus(b.total()));
        }
      }
      if (page.end()) {
        return rows;
      }
      from = page.next();
    }
  }
}
