package dev.annals.server.http;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Tells a database that cannot be reached (the read models' PostgreSQL stopped, restarting, or the network
 * gone) from every other SQL failure, by the SQL states of the failure's causes: class {@code 08}
 * (connection exception), {@code 57P01..03} (the server shutting down, crashed, or starting), or a pool that
 * could not hand out a connection. Such a failure is the service's unavailability (503), not a server bug;
 * a bad statement in a module stays a 500.
 */
public final class DatabaseUnreachable {

  private DatabaseUnreachable() {
  }

  /** The unreachable-database cause in {@code failure}'s chain, if any. */
  public static Optional<SQLException> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException c) {
        return Optional.of(c);
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[123]"))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The 503 a request answers when its database cannot be reached. */
  public static HttpError unavailable(SQLException cause) {
    return new HttpError(503, "unavailable", "the read models' database cannot be reached: " + cause.getMessage());
  }
}
