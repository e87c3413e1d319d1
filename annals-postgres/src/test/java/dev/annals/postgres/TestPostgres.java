package dev.annals.postgres;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a real PostgreSQL: one {@link LocalPostgres} per test JVM (started on
 * first use, stopped and removed when the run ends), injected as a parameter of type
 * {@link LocalPostgres}; tests create their own databases on it ({@link LocalPostgres#createDatabase()}).
 *
 * <p>Where the machine has no PostgreSQL binaries, the tests are skipped loudly (a line on stderr and
 * the skip reason); with {@code ANNALS_REQUIRE_POSTGRES=1} (set by CI) they fail instead.
 */
public final class TestPostgres implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestPostgres.class);

  /** The shared server of this test run, started on first use. */
  public static LocalPostgres server(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    Holder holder = store.getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
    return holder.server();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalPostgres.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  /** Starts the server lazily and stops it when the root context closes. */
  private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private LocalPostgres server;

    synchronized LocalPostgres server() {
      if (server == null) {
        Optional<java.nio.file.Path> bin = LocalPostgres.findBinaries();
        if (bin.isEmpty()) {
          String why = "PostgreSQL tests need a PostgreSQL server: " + LocalPostgres.missingBinariesHint();
          if ("1".equals(System.getenv("ANNALS_REQUIRE_POSTGRES"))) {
            throw new IllegalStateException(why + " (ANNALS_REQUIRE_POSTGRES=1: required here)");
          }
          System.err.println("SKIPPED: " + why);
          Assumptions.abort(why);
        }
        server = LocalPostgres.start(bin.get());
      }
      return server;
    }

    @Override
    public synchronized void close() {
      if (server != null) {
        server.close();
      }
    }
  }
}
