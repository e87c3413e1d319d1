package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** Stores made by hand for the copy and verify tests: chained events, and the schema without the engine. */
final class CopyFixtures {

  private CopyFixtures() {}

  /** A connection to a new database whose store schema is created (by the engine's migration) and empty. */
  static Connection newStore(LocalPostgres pg) throws SQLException {
    Connection c = DirectConnection.open(options(pg, pg.createDatabase()));
    SchemaMigration.bundled().migrate(c, PostgresOptions.DEFAULT_SCHEMA);
    return c;
  }

  /** The options of the store in {@code db}. */
  static PostgresOptions options(LocalPostgres pg, String db) {
    return PostgresOptions.of(pg.url(db).toString());
  }

  /**
   * {@code appends} appends of 1..4 events over three streams (every fifth an import across streams),
   * with effective times to the nanosecond, odd stream names and metadata, chained as every engine chains.
   */
  static List<StoredEvent> events(int appends) {
    List<StoredEvent> out = new ArrayList<>();
    ChainHash chain = new ChainHash();
    byte[] previous = ChainHash.genesis();
    String[] streams = {"account-1", "account-2", "tab\there \\ 漢字"};
    long[] versions = new long[streams.length];
    Instant t = Instant.parse("2026-01-02T03:04:05.123456Z");
    long position = 0;
    for (int a = 0; a < appends; a++) {
      boolean imported = a % 5 == 4;
      int size = 1 + a % 4;
      t = t.plusNanos(1_000 * (a % 3));
      for (int i = 0; i < size; i++) {
        int s = imported ? i % streams.length : a % streams.length;
        position++;
        versions[s]++;
        Instant effective = a % 2 == 0 ? t : Instant.ofEpochSecond(1_600_000_000L + a, 123_456_789);
        RecordedEvent e = new RecordedEvent(new UUID(a, i), streams[s], versions[s], position, "Happened.v" + (a % 3),
            Json.of("{\"n\": " + position + ", \"s\": \"é\\n\"}"), Json.of(a % 2 == 0 ? "{}" : "{\"c\":[1,2.50]}"), t,
            effective);
        StoredEvent unchained = new StoredEvent(e, size, i, imported, ChainHash.genesis());
        previous = unchained.computeChain(chain, previous);
        out.add(new StoredEvent(e, size, i, imported, previous));
      }
    }
    return out;
  }

  /** A source handing out {@code events} as they are. */
  static StoredEventSource source(List<StoredEvent> events) {
    return new StoredEventSource() {
      @Override
      public long forEach(Consumer<StoredEvent> sink) {
        events.forEach(sink);
        return events.size();
      }

      @Override
      public String describe() {
        return "the list";
      }

      @Override
      public void close() { }
    };
  }
}
