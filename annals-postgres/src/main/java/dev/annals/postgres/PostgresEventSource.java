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
  private final boolean owned;

  /**
   * @param connection sees the store's tables (its search path); used for one read-only transaction
   * @param description where the store is, for messages (never with a password)
   */
  public PostgresEventSource(Connection connection, String description) {
    this(connection, description, false);
  }

  private PostgresEventSource(Connection connection, String description, boolean owned) {
    this.connection = connection;
    this.description = description;
    this.owned = owned;
  }

  /** Reads the store {@code options} name, over a connection of its own (closed by {@link #close}). */
  public static PostgresEventSource open(PostgresOptions options) {
    Connection c = DirectConnection.open(options);
    try {
      if (!StoredRows.tablesExist(c)) {
        throw new StoreUnavailableException(DirectConnection.describe(options) + " holds no Annals store (its tables"
            + " are missing); nothing to copy");
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c, e);
      throw e instanceof RuntimeException r ? r
          : new StoreUnavailableException("reading " + DirectConnection.describe(options) + " failed: " + e.getMessage(), e);
    }
    return new PostgresEventSource(c, DirectConnection.describe(options), true);
  }

  private static void closeQuietly(Connection c, Exception failure) {
    try {
      c.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public long forEach(Consumer<StoredEvent> sink) {
    try {
      StoredRows.begin(connection);
      try {
        return StoredRows.forEach(connection, row -> sink.accept(row.stored()));
      } finally {
        StoredRows.end(connection);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("reading " + description + " failed: " + e.getMessage(), e);
    }
  }

  /** {@code annals_schema.store_id}. */
  @Override
  public java.util.Optional<java.util.UUID> storeId() {
    try (var s = connection.prepareStatement("SELECT store_id FROM annals_schema"); var rs = s.executeQuery()) {
      return rs.next() ? java.util.Optional.of(rs.getObject(1, java.util.UUID.class)) : java.util.Optional.empty();
    } catch (SQLException e) {
      throw new StoreUnavailableException("reading the store id of " + description + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  /** Closes the connection when this source opened it; one lent by the caller stays open. */
  @Override
  public void close() {
    if (owned) {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new StoreUnavailableException("closing the connection to " + description + " failed: " + e.getMessage(), e);
      }
    }
  }
}
