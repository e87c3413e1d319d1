package dev.annals.cqrs.projection;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Test domain: accounts with deposits and fees. Version 1 of the balances projection ignores fees (the
 * bug), version 2 subtracts them. Each event also leaves a row in {@code applied}, keyed by position,
 * so applying an event twice fails (primary key) and a missed one shows.
 */
final class Ledger {

  private Ledger() {}

  record Balance(long balance, long events) {}

  static long amount(RecordedEvent e) {
    return e.data().toNode().get("amount").asLong();
  }

  static EventData deposit(Random r, long amount) {
    return new EventData(new UUID(r.nextLong(), r.nextLong()), "Deposited", Json.of("{\"amount\":" + amount + "}"),
        Json.EMPTY_OBJECT, Optional.empty());
  }

  static EventData fee(Random r, long amount) {
    return new EventData(new UUID(r.nextLong(), r.nextLong()), "FeeCharged", Json.of("{\"amount\":" + amount + "}"),
        Json.EMPTY_OBJECT, Optional.empty());
  }

  /** Appends {@code n} events deterministically from {@code seed} over {@code accounts} accounts. */
  static void fill(EventStore store, long seed, int n, int accounts) {
    Random r = new Random(seed);
    int written = 0;
    while (written < n) {
      int batch = Math.min(n - written, 1 + r.nextInt(20));
      String stream = "account-" + r.nextInt(accounts);
      List<EventData> events = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        events.add(r.nextInt(5) == 0 ? fee(r, 1 + r.nextInt(9)) : deposit(r, 1 + r.nextInt(1000)));
      }
      store.append(stream, ExpectedVersion.ANY, events);
      written += batch;
    }
  }

  static List<RecordedEvent> all(EventStore store) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 5000, Filter.all());
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  /** The fold of a version over {@code events}: account -> balance. */
  static Map<String, Balance> fold(List<RecordedEvent> events, int version) {
    Map<String, Balance> m = new HashMap<>();
    for (RecordedEvent e : events) {
      long delta = switch (e.type()) {
        case "Deposited" -> amount(e);
        case "FeeCharged" -> version >= 2 ? -amount(e) : 0;
        default -> 0;
      };
      Balance b = m.getOrDefault(e.stream(), new Balance(0, 0));
      m.put(e.stream(), new Balance(b.balance() + delta, b.events() + 1));
    }
    return m;
  }

  /** The JDBC balances projection at {@code version}. */
  static Projection<JdbcSession> jdbc(int version) {
    return jdbc(version, 0);
  }

  /** The JDBC balances projection; each event first waits {@code delayNanos} (to make batches slow). */
  static Projection<JdbcSession> jdbc(int version, long delayNanos) {
    String upsert = "INSERT INTO {balances} (account, balance, events) VALUES (?, ?, 1)"
        + " ON CONFLICT (account) DO UPDATE SET balance = {balances}.balance + excluded.balance,"
        + " events = {balances}.events + 1";
    return Projection.<JdbcSession>named("ledger", version)
        .tables("balances", "applied")
        .setup(db -> {
          db.execute("CREATE TABLE IF NOT EXISTS {balances} (account VARCHAR(64) PRIMARY KEY, balance BIGINT NOT NULL,"
              + " events BIGINT NOT NULL)");
          db.execute("CREATE TABLE IF NOT EXISTS {applied} (position BIGINT PRIMARY KEY)");
        })
        .on("Deposited", (db, e) -> {
          if (delayNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(delayNanos);
          }
          db.update(upsert, e.stream(), amount(e));
          db.update("INSERT INTO {applied} (position) VALUES (?)", e.position());
        })
        .on("FeeCharged", (db, e) -> {
          if (delayNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(delayNanos);
          }
          db.update(upsert, e.stream(), version >= 2 ? -amount(e) : 0L);
          db.update("INSERT INTO {applied} (position) VALUES (?)", e.position());
        })
        .build();
  }

  /** The in-memory balances projection at {@code version}. */
  static Projection<MemoryTables> memory(int version) {
    return Projection.<MemoryTables>named("ledger", version)
        .tables("balances", "applied")
        .on("Deposited", (db, e) -> applyMemory(db, e, amount(e)))
        .on("FeeCharged", (db, e) -> applyMemory(db, e, version >= 2 ? -amount(e) : 0))
        .build();
  }

  static void applyMemory(MemoryTables db, RecordedEvent e, long delta) {
    if (db.get("applied", e.position()).isPresent()) {
      throw new IllegalStateException("position " + e.position() + " applied twice");
    }
    db.put("applied", e.position(), Boolean.TRUE);
    Balance b = db.getOrDefault("balances", e.stream(), new Balance(0, 0));
    db.put("balances", e.stream(), new Balance(b.balance() + delta, b.events() + 1));
  }

  /** Reads the balances view (or a physical table) of a JDBC target. */
  static Map<String, Balance> balances(Connection c, String table) throws SQLException {
    Map<String, Balance> m = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT account, balance, events FROM " + table)) {
      while (rs.next()) {
        m.put(rs.getString(1), new Balance(rs.getLong(2), rs.getLong(3)));
      }
    }
    return m;
  }

  static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Map<String, Balance> memoryBalances(MemoryTarget.View view) {
    Map<String, Balance> m = new HashMap<>();
    view.rows("balances").forEach((k, v) -> m.put((String) k, (Balance) v));
    return m;
  }
}
