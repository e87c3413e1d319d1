package dev.annals.cli;

import dev.annals.core.EventStore;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.PostgresVerifier;
import dev.annals.postgres.PostgresVerifyReport;
import dev.annals.server.verify.ScanVerifier;
import dev.annals.server.verify.Verifier;
import dev.annals.server.verify.VerifyReport;
import java.util.Locale;
import java.util.Optional;

/**
 * The stores {@code serve} opens. On a data directory: the embedded log engine there (created if
 * absent), with its own verifier (checksums, hash chain, indexes). On a PostgreSQL database: the
 * PostgreSQL engine (its tables created on first open), with its own verifier (positions, versions, hash
 * chain, head and stream tables, on one consistent snapshot). In memory
 * ({@code --in-memory}): nothing is kept (said loudly). Stateless.
 */
final class DefaultStores implements StoreFactory {

  @Override
  public Opened open(StoreLocation where, String fsync) {
    return switch (where) {
      case StoreLocation.DataDirectory data -> {
        boolean existed = Annals.holdsLog(data.dir());
        LogEventStore log = Annals.open(data.dir(), LogOptions.defaults().withFsync(fsync));
        yield new Opened(log, log, logVerifier(log), data.describe() + " (" + (existed ? events(log.headPosition()) : "new, empty")
            + ", fsync=" + fsync + ")");
      }
      case StoreLocation.PostgresUrl postgres -> {
        StoreLocation.Engine engine = postgres.openEngine(true);
        EventStore store = engine.store();
        long head;
        try {
          head = store.headPosition();
        } catch (RuntimeException e) {
          store.close();
          throw e;
        }
        yield new Opened(store, engine.stored(), postgresVerifier(postgres.url()), postgres.describe() + " (" + events(head) + ")");
      }
      case StoreLocation.InMemory memory -> {
        StoreLocation.Engine engine = memory.openEngine(true);
        EventStore store = engine.store();
        yield new Opened(store, engine.stored(), new ScanVerifier(store, true),
            "an in-memory store (--in-memory: every event is lost when the server stops)");
      }
    };
  }

  /** {@code /admin/verify} for PostgreSQL: its own verifier, on a direct connection (not the store's pool). */
  static Verifier postgresVerifier(String url) {
    return () -> {
      PostgresVerifyReport r = PostgresVerifier.verify(PostgresOptions.of(url), PostgresVerifier.Progress.NONE);
      return new VerifyReport(r.ok(), r.events(), Optional.of(r.headHash()), r.problems());
    };
  }

  private static String events(long n) {
    return String.format(Locale.ROOT, "%,d event%s", n, n == 1 ? "" : "s");
  }

  /** {@code /admin/verify} for the embedded log: its own verifier (checksums, hash chain, indexes). */
  static Verifier logVerifier(LogEventStore log) {
    return () -> {
      dev.annals.log.VerifyReport r = log.verify(dev.annals.log.LogVerifier.Progress.NONE);
      return new VerifyReport(r.ok(), r.events(), Optional.of(r.headHash()), r.problems());
    };
  }
}
