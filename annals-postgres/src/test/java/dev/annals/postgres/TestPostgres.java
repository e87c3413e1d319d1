package dev.annals.postgres;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a real PostgreSQL: one {@link LocalPostgres} per test JVM (started on
 * first use, stopped and removed when the JVM exits), injected as a parameter of type
 * {@link LocalPostgres}; tests create their own databases on it ({@link LocalPostgres#createDatabase()}).
 * Tests of other engines than JUnit Jupiter (jqwik properties) reach the same server through
 * {@link #shared()}.
 *
 * <p>Where the machine has no PostgreSQL binaries, the tests are skipped loudly (a line on stderr and
 * the skip reason); with {@code ANNALS_REQUIRE_POSTGRES=1} (set by CI) they fail instead.
 */
public final class TestPostgres implements ParameterResolver {

  private static final Holder HOLDER = new Holder();

  /** The shared server of this test run, started on first use. */
  public static LocalPostgres server(ExtensionContext context) {
    return shared();
  }

  /**
   * The server shared by every test of this JVM, started on first use and removed when the JVM exits
   * (so JUnit tests and jqwik properties, which run one engine after the other, share it).
   */
  public static LocalPostgres shared() {
    return HOLDER.server();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalPostgres.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  /**
   * A server of the test's own (one it may stop and restart without disturbing other tests), under the
   * same rule as the shared one: skipped loudly without PostgreSQL binaries, failed under
   * ANNALS_REQUIRE_POSTGRES=1. The caller closes it.
   */
  public static LocalPostgres startOwn() {
    return LocalPostgres.start(binaries());
  }

  /**
   * The PostgreSQL binaries, for a test that starts PostgreSQL through another program (a child process):
   * skipped loudly without them, failed under ANNALS_REQUIRE_POSTGRES=1.
   */
  public static java.nio.file.Path requireBinaries() {
    return binaries();
  }

  /** The PostgreSQL binaries, or the test is skipped (loudly) or failed (when they are required here). */
  private static java.nio.file.Path binaries() {
    Optional<java.nio.file.Path> bin = LocalPostgres.findBinaries();
    if (bin.isEmpty()) {
      String why = "PostgreSQL tests need a PostgreSQL server: " + LocalPostgres.missingBinariesHint();
      if ("1".equals(System.getenv("ANNALS_REQUIRE_POSTGRES"))) {
        throw new IllegalStateException(why + " (ANNALS_REQUIRE_POSTGRES=1: required here)");
      }
      System.err.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    return bin.get();
  }

  /** Starts the server lazily and stops it when the JVM exits. */
  private static final class Holder {
    private LocalPostgres server;

    synchronized LocalPostgres server() {
      if (server == null) {
        LocalPostgres started = LocalPostgres.start(binaries());
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "annals-test-postgres-stop"));
        server = started;
      }
      return server;
    }
  }
}
