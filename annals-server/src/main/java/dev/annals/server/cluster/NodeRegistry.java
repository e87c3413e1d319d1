package dev.annals.server.cluster;

import dev.annals.cqrs.projection.JdbcTarget;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which servers share this server's store, for {@code /health} and the console: each server writes a
 * heartbeat row to {@code annals_node} (name, url, started_at, heartbeat_at in ms of its own clock) in the
 * database the servers share (their read models' database) every {@link #BEAT}, and removes it when it
 * stops. A server is up while its heartbeat is younger than {@link #UP}; rows older than {@link #FORGOTTEN}
 * are not listed. A server with no shared database lists only itself. Thread-safe.
 */
public final class NodeRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
  static final Duration BEAT = Duration.ofSeconds(2);
  static final Duration UP = Duration.ofSeconds(10);
  static final Duration FORGOTTEN = Duration.ofHours(1);
  private static final String DDL = "CREATE TABLE IF NOT EXISTS annals_node (name VARCHAR(64) PRIMARY KEY,"
      + " url VARCHAR(256) NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)";

  /** One server as the registry last saw it. */
  public record Node(String name, String url, boolean up, Instant lastSeen, boolean self) {}

  private final Clock clock;
  private volatile Optional<JdbcTarget> db = Optional.empty();
  private volatile String name = "";
  private volatile String url = "";
  private volatile long startedAt;
  private Optional<Thread> beating = Optional.empty();

  public NodeRegistry(Clock clock) {
    this.clock = clock;
  }

  /** Starts beating as {@code nodeName} at {@code uri}; {@code shared} empty: this server is on its own. */
  public synchronized void start(Optional<JdbcTarget> shared, String nodeName, URI uri) {
    this.name = nodeName;
    this.url = uri.toString();
    this.startedAt = clock.millis();
    this.db = shared;
    if (shared.isEmpty()) {
      return;
    }
    for (int attempt = 1; attempt <= 3; attempt++) { // servers starting together may race on the DDL
      try {
        run(c -> {
          try (Statement s = c.createStatement()) {
            s.execute(DDL);
          }
          return null;
        });
        break;
      } catch (SQLException | RuntimeException e) {
        if (attempt == 3) {
          LOG.warn("cannot create the node table: {}", e.toString());
        }
      }
    }
    beat();
    beating = Optional.of(Thread.ofPlatform().daemon().name("annals-node-heartbeat").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(BEAT.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        beat();
      }
    }));
  }

  private void beat() {
    try {
      run(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO annals_node (name, url, started_at, heartbeat_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET url = excluded.url,"
            + " started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at")) {
          ps.setString(1, name);
          ps.setString(2, url);
          ps.setLong(3, startedAt);
          ps.setLong(4, clock.millis());
          ps.executeUpdate();
        }
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      LOG.debug("heartbeat not written (the shared database is away): {}", e.toString());
    }
  }

  /** This server's name (empty before start). */
  public String name() {
    return name;
  }

  /**
   * The servers sharing the store, this one first, the others by name.
   *
   * @throws SQLException the shared database cannot be read
   */
  public List<Node> nodes() throws SQLException {
    List<Node> out = new ArrayList<>();
    long now = clock.millis();
    out.add(new Node(name, url, true, Instant.ofEpochMilli(now), true));
    if (db.isEmpty()) {
      return out;
    }
    return run(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, url, heartbeat_at FROM annals_node WHERE heartbeat_at > ? ORDER BY name")) {
        ps.setLong(1, now - FORGOTTEN.toMillis());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (!rs.getString(1).equals(name)) {
              long seen = rs.getLong(3);
              out.add(new Node(rs.getString(1), rs.getString(2), now - seen <= UP.toMillis(), Instant.ofEpochMilli(seen),
                  false));
            }
          }
        }
      }
      return out;
    });
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T run(Work<T> work) throws SQLException {
    try (Connection c = db.orElseThrow().openReader()) {
      return work.run(c);
    }
  }

  /** Stops beating and removes this server's row (best effort). Idempotent. */
  @Override
  public synchronized void close() {
    beating.ifPresent(t -> {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    beating = Optional.empty();
    if (db.isPresent()) {
      try {
        run(c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM annals_node WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
          }
          return null;
        });
      } catch (SQLException | RuntimeException e) {
        LOG.debug("could not remove this server from annals_node: {}", e.toString());
      }
    }
    db = Optional.empty();
  }
}
