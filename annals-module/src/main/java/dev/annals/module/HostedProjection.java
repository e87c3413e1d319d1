package dev.annals.module;

import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import java.util.Map;
import java.util.Optional;

/**
 * A projection the server runs, in the server's read-model store (a SQLite database unless the server is given another).
 *
 * @param current the version to run when nothing else was promoted
 * @param next the version a rebuild builds ({@code POST /projections/{name}/rebuild}); same name,
 *     another version number. Once promoted (and after a restart that finds it live), it is the one
 *     that runs and there is no next version
 * @param queries the read routes {@code GET /projections/{name}/{query}}, by query name
 */
public record HostedProjection(Projection<JdbcSession> current, Optional<Projection<JdbcSession>> next,
    Map<String, ProjectionQuery> queries) {

  public HostedProjection {
    queries = Map.copyOf(queries);
    if (next.isPresent()) {
      if (!next.get().name().equals(current.name())) {
        throw new IllegalArgumentException("the next version of " + current.name() + " is named " + next.get().name());
      }
      if (next.get().version() == current.version()) {
        throw new IllegalArgumentException("the next version of " + current.id() + " has the same version number");
      }
    }
    for (String q : queries.keySet()) {
      if (!q.matches("[a-z][a-z0-9_-]{0,63}") || q.equals("rebuild") || q.equals("promote")) {
        throw new IllegalArgumentException("bad query route name '" + q + "' for " + current.name());
      }
    }
  }

  public String name() {
    return current.name();
  }
}
