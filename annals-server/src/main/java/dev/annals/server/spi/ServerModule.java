package dev.annals.server.spi;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A domain module hosted by the server (design §6): state folds per category, projections with their
 * query routes, and commands. A module lists itself in
 * {@code META-INF/services/dev.annals.server.spi.ServerModule} of its jar (an explicit registration;
 * nothing is scanned) and needs a public no-argument constructor. Implementations are thread-safe.
 */
public interface ServerModule {

  /** A short name, for logs, error messages and command routes ({@code /commands/{module}/...}). */
  String name();

  /** The state folds this module offers, by stream category ({@code account} for {@code account-42}). */
  Map<String, StateView> stateViews();

  /** The projections the server runs for this module (one asynchronous runner each). */
  default List<HostedProjection> projections() {
    return List.of();
  }

  /** The commands served at {@code POST /commands/{module}/{command}}. */
  default List<CommandRoute<?>> commands() {
    return List.of();
  }

  /** The modules on the class path, in the order {@link ServiceLoader} finds them. */
  static List<ServerModule> installed() {
    return ServiceLoader.load(ServerModule.class).stream().map(ServiceLoader.Provider::get).toList();
  }
}
