package dev.annals.postgres;

import dev.annals.core.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;

/**
 * What a failed read means to the caller. Losing the database (no connection, the server shutting down
 * or restarting, the pool timing out, a cancelled statement) is {@link StoreUnavailableException}: the
 * store answers again once PostgreSQL is back, and subscriptions retry. Anything else is a bug or a
 * broken schema and stays loud ({@link IllegalStateException}).
 */
final class ReadFailures {

  private ReadFailures() {}

  static RuntimeException of(String what, SQLException e) {
    if (isUnavailable(e)) {
      return new StoreUnavailableException("PostgreSQL is unavailable: " + what + " failed (" + describe(e) + ")", e);
    }
    return new IllegalStateException("PostgreSQL refused " + what + ": " + describe(e), e);
  }

  /**
   * True for failures that say the database is out of reach rather than that the statement is wrong: the
   * write side's connection losses ({@link Database#isConnectionLoss}), refused credentials (a rotated
   * password: fixed outside, then the store works again), and the transient refusals a retry gets past.
   */
  static boolean isUnavailable(SQLException e) {
    if (Database.isConnectionLoss(e)) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s && transientState(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static boolean transientState(@Nullable String state) {
    if (state == null) {
      return false;
    }
    return state.startsWith("28") // invalid authorization (the password changed under a running store)
        || state.startsWith("53") // insufficient resources
        || state.startsWith("57P") // shutting down, cannot connect now
        || state.equals("57014") // statement cancelled (statement_timeout)
        || state.equals("40001") || state.equals("40P01") // serialization failure, deadlock: try again
        || state.startsWith("58"); // system error (I/O)
  }

  private static String describe(SQLException e) {
    String state = e.getSQLState();
    return (state == null ? "" : "SQLSTATE " + state + ": ") + e.getMessage();
  }
}
