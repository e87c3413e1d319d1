package dev.annals.postgres;

import dev.annals.core.ChainHash;
import dev.annals.core.ExclusiveRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link ExclusiveRole} on PostgreSQL: a session advisory lock held on a connection of its own, so at
 * most one session of the whole database holds a store's role at a time, whichever process it is in. The
 * lock lives as long as its connection: when the connection is lost (the server restarted, the network
 * dropped, the backend was terminated) the database releases it and another process may take it, so
 * {@link #held()} turns false then and stays false. The role's lock key is derived from the store id and
 * the role name, so stores in other schemas of the same database never collide. Reusable for any role
 * (exporters, projection leadership). Thread-safe.
 */
public final class AdvisoryLockRole implements ExclusiveRole {

  /** held() asks the server at most this often; in between it answers what it last learned. */
  private static final long CHECK_NANOS = 500_000_000L;

  private final Connection connection;
  private final String name;
  private final long key;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean lost;
  private volatile long checkedAt = System.nanoTime();

  private AdvisoryLockRole(Connection connection, String name, long key) {
    this.connection = connection;
    this.name = name;
    this.key = key;
  }

  /**
   * Takes {@code role} of store {@code storeId} with {@code dedicated}, a connection that from now on belongs
   * to the role (closed with it, or at once when the role is taken elsewhere).
   *
   * @return empty when another session holds the role
   */
  public static Optional<ExclusiveRole> tryAcquire(Connection dedicated, UUID storeId, String role) throws SQLException {
    long key = key(storeId, role);
    try {
      dedicated.setAutoCommit(true);
      try (PreparedStatement s = dedicated.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, key);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return Optional.of(new AdvisoryLockRole(dedicated, role, key));
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      try {
        dedicated.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    dedicated.close();
    return Optional.empty();
  }

  /** The advisory lock key of a store's role: the first 8 bytes of SHA-256("annals-role/" + storeId + "/" + role). */
  public static long key(UUID storeId, String role) {
    byte[] digest = ChainHash.sha256().digest(("annals-role/" + storeId + "/" + role).getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(digest).getLong();
  }

  @Override
  public String name() {
    return name;
  }

  /** False once released or once its connection was lost (checked with the server at most every 0.5 s). */
  @Override
  public boolean held() {
    if (closed.get() || lost) {
      return false;
    }
    long now = System.nanoTime();
    if (now - checkedAt >= CHECK_NANOS) {
      synchronized (this) {
        if (!lost && !closed.get() && now - checkedAt >= CHECK_NANOS) {
          try {
            lost = !connection.isValid(2);
          } catch (SQLException e) {
            lost = true;
          }
          checkedAt = System.nanoTime();
        }
      }
    }
    return !lost && !closed.get();
  }

  /** Releases the lock and closes its connection. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      try (connection) {
        if (!lost) {
          try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            s.setLong(1, key);
            s.execute();
          }
        }
      } catch (SQLException e) {
        // the connection is gone, and with it the lock
      }
    }
  }
}
