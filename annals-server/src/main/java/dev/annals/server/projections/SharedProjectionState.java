package dev.annals.server.projections;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ReadModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the servers sharing one read-model database tell each other about projections, in two tables of
 * that database (plain SQL that SQLite and PostgreSQL both run):
 * <pre>
 *   annals_projection_status  (name) -> node, snapshot (JSON), updated_at (ms): what the running node last published
 *   annals_projection_request (id) -> name, action, node, requested_at, outcome, answer: rebuilds and promotions
 *                              asked of a node that does not run the projection, for the one that does
 * </pre>
 * A status older than {@link #STALE} counts as nobody's (its node died or lost the database). Times are the
 * writing node's clock: servers sharing a database are expected to keep their clocks within seconds.
 * Thread-safe.
 */
final class SharedProjectionState {

  /** A published status older than this is from a node that no longer runs the projection. */
  static final Duration STALE = Duration.ofSeconds(10);

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS annals_projection_status (name VARCHAR(64) PRIMARY KEY, node VARCHAR(64) NOT NULL,"
          + " snapshot TEXT NOT NULL, updated_at BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS annals_projection_request (id VARCHAR(36) PRIMARY KEY, name VARCHAR(64) NOT NULL,"
          + " action VARCHAR(16) NOT NULL, argument VARCHAR(64) NOT NULL, node VARCHAR(64) NOT NULL,"
          + " requested_at BIGINT NOT NULL, outcome VARCHAR(16), answer TEXT)");

  private static final ObjectMapper JSON = JsonMapper.builder().addModule(new Jdk8Module())
      .addModule(new JavaTimeModule()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** A status one node published. */
  record Published(String node, ProjectionSnapshot snapshot, long updatedAt) {}

  /** A rebuild or promotion waiting for the node that runs the projection. */
  record Request(String id, String name, String action, String argument, String node) {}

  /** How the running node answered a request: {@code ok} with a snapshot, or {@code refused} with a message. */
  record Answer(String outcome, String answer) {
    static final String OK = "ok";
    static final String REFUSED = "refused";
  }

  private final JdbcTarget db;
  private final Clock clock;

  SharedProjectionState(JdbcTarget db, Clock clock) {
    this.db = db;
    this.clock = clock;
    // Servers starting together may race on CREATE TABLE IF NOT EXISTS (PostgreSQL can then refuse one of
    // them on its catalog's unique index): whoever lost finds the table there on the next try.
    for (int attempt = 1; ; attempt++) {
      try {
        run(c -> {
          try (Statement s = c.createStatement()) {
            for (String ddl : DDL) {
              s.execute(ddl);
            }
          }
          return null;
        });
        return;
      } catch (ReadModelException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** Publishes {@code snapshot} as {@code node}'s status of its projection. */
  void publish(String node, ProjectionSnapshot snapshot) {
    String json = write(snapshot);
    long now = clock.millis();
    run(c -> update(c, "INSERT INTO annals_projection_status (name, node, snapshot, updated_at) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET node = excluded.node, snapshot = excluded.snapshot,"
        + " updated_at = excluded.updated_at", snapshot.name(), node, json, now));
  }

  /** Forgets {@code node}'s status of {@code name} (it stopped running it). */
  void withdraw(String node, String name) {
    run(c -> update(c, "DELETE FROM annals_projection_status WHERE name = ? AND node = ?", name, node));
  }

  /** The status last published for {@code name}, unless stale. */
  Optional<Published> status(String name) {
    return run(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT node, snapshot, updated_at FROM annals_projection_status WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || clock.millis() - rs.getLong(3) > STALE.toMillis()) {
            return Optional.empty();
          }
          return Optional.of(new Published(rs.getString(1), read(rs.getString(2)), rs.getLong(3)));
        }
      }
    });
  }

  /**
   * Whether a server other than {@code node} published the status of {@code name} within {@code recent}: it
   * runs it. False when the database cannot be read (then nobody can take the role either).
   */
  boolean ledElsewhere(String name, String node, Duration recent) {
    try {
      return status(name).filter(p -> !p.node().equals(node))
          .filter(p -> clock.millis() - p.updatedAt() < recent.toMillis()).isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Asks the running node for {@code action} on {@code name}; returns the request's id. */
  String request(String name, String action, String argument, String node) {
    String id = UUID.randomUUID().toString();
    run(c -> update(c, "INSERT INTO annals_projection_request (id, name, action, argument, node, requested_at)"
        + " VALUES (?, ?, ?, ?, ?, ?)", id, name, action, argument, node, clock.millis()));
    return id;
  }

  /** Requests for {@code name} nobody has answered yet, oldest first. */
  List<Request> pending(String name) {
    return run(c -> {
      List<Request> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, action, argument, node FROM"
          + " annals_projection_request WHERE name = ? AND outcome IS NULL ORDER BY requested_at, id")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Request(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
          }
        }
      }
      return out;
    });
  }

  /** Records the answer to a request (once: a second answer is ignored). */
  void answer(String id, Answer answer) {
    run(c -> update(c, "UPDATE annals_projection_request SET outcome = ?, answer = ? WHERE id = ? AND outcome IS NULL",
        answer.outcome(), answer.answer(), id));
  }

  /** The answer to request {@code id}, once there is one; the request is then removed. */
  Optional<Answer> answered(String id) {
    Optional<Answer> a = run(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT outcome, answer FROM annals_projection_request WHERE id = ? AND outcome IS NOT NULL")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Answer(rs.getString(1), rs.getString(2))) : Optional.empty();
        }
      }
    });
    if (a.isPresent()) {
      forget(id);
    }
    return a;
  }

  /** Withdraws a request nobody answered in time (answered later, it is dropped with it). */
  void forget(String id) {
    run(c -> update(c, "DELETE FROM annals_projection_request WHERE id = ?", id));
  }

  static String write(ProjectionSnapshot snapshot) {
    try {
      return JSON.writeValueAsString(snapshot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ProjectionSnapshot read(String json) {
    try {
      return JSON.readValue(json, ProjectionSnapshot.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface Work<T extends @Nullable Object> {
    T run(Connection c) throws SQLException;
  }

  private <T extends @Nullable Object> T run(Work<T> work) {
    try (Connection c = db.openReader()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new ReadModelException("the shared projection state: " + e.getMessage(), e);
    }
  }

  private static @Nullable Void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
    return null;
  }
}
