package dev.annals.server.auth;

import dev.annals.core.StreamNames;
import java.util.List;

/**
 * Who is calling and what they may touch. A key's stream-prefix permissions apply to every stream
 * route; {@code "*"} (stored as the empty prefix) covers every user stream. Admins cover everything,
 * system ({@code $}) streams included. Immutable.
 *
 * @param name a label from the auth file, for logs
 * @param prefixes stream-name prefixes this key may use; the empty string covers all
 */
public record Principal(String name, Role role, List<String> prefixes) {

  public Principal {
    prefixes = List.copyOf(prefixes);
  }

  /** The caller when the server runs without an auth file (loopback only, or {@code --insecure}). */
  public static Principal unauthenticatedAdmin() {
    return new Principal("anonymous (no auth file)", Role.ADMIN, List.of(""));
  }

  boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** True when this key's prefixes cover every user stream. */
  boolean coversAllStreams() {
    return isAdmin() || prefixes.contains("");
  }

  /** True when {@code stream} falls under one of this key's prefixes (system streams: admins only). */
  public boolean covers(String stream) {
    if (StreamNames.isSystem(stream)) {
      return isAdmin();
    }
    if (coversAllStreams()) {
      return true;
    }
    for (String p : prefixes) {
      if (stream.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  public boolean mayWrite() {
    return role != Role.READER;
  }
}
