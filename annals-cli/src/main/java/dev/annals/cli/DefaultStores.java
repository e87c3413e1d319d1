package dev.annals.cli;

import dev.annals.core.InMemoryEventStore;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import dev.annals.server.verify.ScanVerifier;
import dev.annals.server.verify.Verifier;
import dev.annals.server.verify.VerifyReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The stores {@code serve} opens. On a data directory: the embedded log engine there (created if
 * absent), with its own verifier (checksums, hash chain, indexes). Without one ({@code --in-memory}): an
 * in-memory store (nothing is kept; said loudly). Stateless.
 */
final class DefaultStores implements StoreFactory {

  @Override
  public Opened open(Optional<Path> dataDir, String fsync) {
    if (dataDir.isPresent()) {
      boolean existed = Annals.holdsLog(dataDir.get());
      LogEventStore log = Annals.open(dataDir.get(), LogOptions.defaults().withFsync(fsync));
      long events = log.headPosition();
      String held = existed ? String.format(Locale.ROOT, "%,d event%s", events, events == 1 ? "" : "s") : "new, empty";
      return new Opened(log, logVerifier(log), "the data directory " + dataDir.get().toAbsolutePath() + " (" + held
          + ", fsync=" + fsync + ")");
    }
    InMemoryEventStore store = new InMemoryEventStore();
    return new Opened(store, new ScanVerifier(store, true),
        "an in-memory store (--in-memory: every event is lost when the server stops)");
  }

  /** {@code /admin/verify} for the embedded log: its own verifier (checksums, hash chain, indexes). */
  static Verifier logVerifier(LogEventStore log) {
    return () -> {
      dev.annals.log.VerifyReport r = log.verify(dev.annals.log.LogVerifier.Progress.NONE);
      return new VerifyReport(r.ok(), r.events(), Optional.of(r.headHash()), r.problems());
    };
  }
}
