package dev.annals.kafka;

import dev.annals.core.ChainHash;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.MemoryTables;
import dev.annals.cqrs.projection.Projection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A test log of account events (deposits and fees over a few streams), published to a topic as an
 * exporter would, the balances projection over it (JDBC and in memory) and its brute-force fold.
 */
final class Accounts {

  static final UUID STORE = UUID.fromString("0b9a54f6-33c1-4c3e-8b7e-5b8e2b7a1c01");

  private Accounts() {}

  record Balance(long balance, long events) {}

  /** {@code n} events at positions {@code 1..n} over {@code streams} streams, deterministic from {@code seed}. */
  static List<StoredEvent> log(long seed, int n, int streams) {
    Random r = new Random(seed);
    Map<String, Long> versions = new HashMap<>();
    List<StoredEvent> out = new ArrayList<>(n);
    for (long position = 1; position <= n; position++) {
      String stream = "account-" + r.nextInt(streams);
      long version = versions.merge(stream, 1L, Long::sum);
      boolean fee = r.nextInt(5) == 0;
      int amount = fee ? 1 + r.nextInt(9) : 1 + r.nextInt(1000);
      RecordedEvent e = new RecordedEvent(new UUID(seed, position), stream, version, position,
          fee ? "FeeCharged" : "Deposited", Json.of("{\"amount\":" + amount + "}"), Json.EMPTY_OBJECT,
          java.time.Instant.ofEpochSecond(1_700_000_000L + position), java.time.Instant.ofEpochSecond(1_700_000_000L + position));
      out.add(new StoredEvent(e, 1, 0, false, ChainHash.genesis()));
    }
    return out;
  }

  /** A transactional producer, as the exporter uses. */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap, String transactionalId) {
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId, ProducerConfig.LINGER_MS_CONFIG, 5),
        new ByteArraySerializer(), new ByteArraySerializer());
    p.initTransactions();
    return p;
  }

  /** Publishes {@code events} in transactions of {@code perTransaction}. */
  static void publish(KafkaProducer<byte[], byte[]> p, String topic, List<StoredEvent> events, int perTransaction) {
    for (int i = 0; i < events.size(); i += perTransaction) {
      p.beginTransaction();
      for (StoredEvent e : events.subList(i, Math.min(events.size(), i + perTransaction))) {
        p.send(CloudEventsFormat.toRecord(topic, STORE, e));
      }
      p.commitTransaction();
    }
  }

  static long amount(RecordedEvent e) {
    return e.data().toNode().get("amount").asLong();
  }

  static long delta(RecordedEvent e) {
    return e.type().equals("FeeCharged") ? -amount(e) : amount(e);
  }

  /** The brute-force fold: account -> balance and event count. */
  static Map<String, Balance> fold(List<StoredEvent> log) {
    Map<String, Balance> m = new HashMap<>();
    for (StoredEvent s : log) {
      RecordedEvent e = s.event();
      Balance b = m.getOrDefault(e.stream(), new Balance(0, 0));
      m.put(e.stream(), new Balance(b.balance() + delta(e), b.events() + 1));
    }
    return m;
  }

  static Projection<MemoryTables> memory() {
    return Projection.<MemoryTables>named("balances", 1)
        .tables("balances")
        .onAny((db, e) -> {
          Balance b = db.getOrDefault("balances", e.stream(), new Balance(0, 0));
          db.put("balances", e.stream(), new Balance(b.balance() + delta(e), b.events() + 1));
        })
        .build();
  }

  static Projection<JdbcSession> jdbc() {
    String upsert = "INSERT INTO {balances} (account, balance, events) VALUES (?, ?, 1)"
        + " ON CONFLICT (account) DO UPDATE SET balance = {balances}.balance + excluded.balance,"
        + " events = {balances}.events + 1";
    return Projection.<JdbcSession>named("balances", 1)
        .tables("balances")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {balances} (account VARCHAR(64) PRIMARY KEY,"
            + " balance BIGINT NOT NULL, events BIGINT NOT NULL)"))
        .onAny((db, e) -> db.write(upsert, e.stream(), delta(e)))
        .build();
  }

  static Map<String, Balance> balances(Connection c) throws SQLException {
    Map<String, Balance> m = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT account, balance, events FROM balances")) {
      while (rs.next()) {
        m.put(rs.getString(1), new Balance(rs.getLong(2), rs.getLong(3)));
      }
    }
    return m;
  }

  static long events(Map<String, Balance> balances) {
    return balances.values().stream().mapToLong(Balance::events).sum();
  }
}
