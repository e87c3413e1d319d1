package dev.annals.cli;

import dev.annals.core.InMemoryEventStore;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import dev.annals.server.ScanVerifier;
import dev.annals.server.Verifier;
import dev.annals.server.VerifyReport;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stores the CLI opens. With {@code --data}: the embedded log engine in that directory, with its
 * own verifier (checksums, hash chain, indexes). Without: an in-memory store (nothing is kept; said
 * loudly). Stateless.
 */
final class DefaultStores implements StoreFactory {

  @Override
  public Opened open(Optional<Path> dataDir, String fsync) {
    if (dataDir.isPresent()) {
      LogEventStore log = Annals.open(dataDir.get(), LogOptions.defaults().withFsync(fsync));
      return new Opened(log, logVerifier(log), "embedded log in " + dataDir.get().toAbsolutePath() + " (fsync=" + fsync + ")");
    }
    InMemoryEventStore store = new InMemoryEventStore();
    return new Opened(store, new ScanVerifier(store, true), "in-memory store (no --data: nothing is kept on disk)");
  }

  /** {@code /admin/verify} for the embedded log: its own verifier (checksums, hash chain, indexes). */
  static Verifier logVerifier(LogEventStore log) {
    return () -> {
      dev.annals.log.VerifyReport r = log.verify(dev.annals.log.LogVerifier.Progress.NONE);
      return new VerifyReport(r.ok(), r.events(), Optional.of(r.headHash()), r.problems());
    };
  }
}
