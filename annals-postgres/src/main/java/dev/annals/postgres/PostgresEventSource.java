package dev.annals.postgres;

import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Every event of a PostgreSQL store, in position order, as {@link StoredEvent}s: the PostgreSQL read side
 * of a copy between engines. Reads one consistent state (a REPEATABLE READ snapshot; appenders in other
 * processes go on, and what they commit meanwhile is not part of this reading) and changes nothing. The
 * caller owns the connection.
 */
public final class PostgresEventSource implements StoredEventSource {

  private final Connection connection;
  private final String description;

  /**
   * @param connection sees the store's tables (its search path); used for one read-only transaction
   * @param description where the store is, for messages (never with a password)
   */
  public PostgresEventSource(Connection connection, String description) {
    this.connection = connection;
    this.description = description;
  }

  @Override
  public long forEach(Consumer<StoredEvent> sink) {
    try {
      EventRows.begin(connection);
      try {
        return EventRows.forEach(connection, row -> sink.accept(row.stored()));
      } finally {
        EventRows.end(connection);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("reading " + description + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  /** Nothing to release: the connection is the caller's. */
  @Override
  public void close() { }
}
