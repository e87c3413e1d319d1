package dev.annals.module;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * A read route over a projection's live version: {@code GET /projections/{name}/{query}?params}.
 * Implementations are thread-safe (each call gets its own connection).
 */
@FunctionalInterface
public interface ProjectionQuery {

  /**
   * @param reader a connection to the projection database (auto-commit), reading the live views named
   *     after the logical tables; the server closes it
   * @param params the query string's parameters
   * @return the response body
   * @throws IllegalArgumentException a missing, unknown or malformed parameter (answered 400 with the message)
   * @throws java.util.NoSuchElementException nothing matches (answered 404 with the message)
   */
  JsonNode query(Connection reader, Map<String, String> params) throws SQLException;
}
