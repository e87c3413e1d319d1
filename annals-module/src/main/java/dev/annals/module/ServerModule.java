package dev.annals.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A domain module hosted by the server (docs/http-api.md): state folds per category, projections with their
 * query routes, and commands. A module lists itself in
 * {@code META-INF/services/dev.annals.module.ServerModule} of its jar (an explicit registration;
 * nothing is scanned) and needs a public no-argument constructor. Being on the class path does not make
 * a module run: the server runs the modules it is given ({@code annals serve --module NAME}, see
 * {@link #select}). Implementations are thread-safe.
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

  /**
   * The modules named in {@code names}, picked by {@link #name()} from {@code available}, in the order
   * named; a name given twice counts once.
   *
   * @throws IllegalArgumentException a name no available module has (the message lists the available
   *     ones), or two available modules share a name
   */
  static List<ServerModule> select(List<ServerModule> available, List<String> names) {
    Map<String, ServerModule> byName = new LinkedHashMap<>();
    for (ServerModule m : available) {
      if (byName.putIfAbsent(m.name(), m) != null) {
        throw new IllegalArgumentException("two installed modules are named '" + m.name() + "': "
            + byName.get(m.name()).getClass().getName() + " and " + m.getClass().getName());
      }
    }
    List<ServerModule> chosen = new ArrayList<>();
    for (String name : names) {
      ServerModule m = byName.get(name.strip());
      if (m == null) {
        throw new IllegalArgumentException("no module named '" + name.strip() + "'; installed: "
            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
      }
      if (!chosen.contains(m)) {
        chosen.add(m);
      }
    }
    return List.copyOf(chosen);
  }
}
