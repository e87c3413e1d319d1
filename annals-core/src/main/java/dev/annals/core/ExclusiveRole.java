package dev.annals.core;

/**
 * A role held exclusively for one store ({@link StoredEventReader#tryAcquireRole}). The holder checks
 * {@link #held()} before acting on it: false once the role is lost (PostgreSQL: the connection holding the
 * lock is gone) or released. Thread-safe.
 */
public interface ExclusiveRole extends AutoCloseable {

  /** The role's name, as it was asked for. */
  String name();

  /** Whether this holder still has the role. */
  boolean held();

  /** Gives the role up. Idempotent. */
  @Override
  void close();
}
