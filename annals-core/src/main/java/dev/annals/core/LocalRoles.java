package dev.annals.core;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive roles held within one process ({@link StoredEventReader#tryAcquireRole}): for a store only one
 * process can open (the log's data directory lock, or memory), at most one holder per role name.
 * Thread-safe.
 */
public final class LocalRoles {

  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

  /** The role, unless someone in this process holds it. */
  public Optional<ExclusiveRole> tryAcquire(String role) {
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("a role needs a name");
    }
    Held h = new Held(role);
    return held.putIfAbsent(role, h) == null ? Optional.of(h) : Optional.empty();
  }

  /** Drops every role (the store closed): their holders see {@link ExclusiveRole#held()} false. */
  public void releaseAll() {
    held.clear();
  }

  private final class Held implements ExclusiveRole {
    private final String name;

    Held(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean held() {
      return held.get(name) == this;
    }

    @Override
    public void close() {
      held.remove(name, this);
    }
  }
}
