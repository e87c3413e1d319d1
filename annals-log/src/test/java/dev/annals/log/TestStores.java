package dev.annals.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Fresh data directories for tests, deleted when the test JVM exits. */
final class TestStores {

  private static final Path ROOT;

  static {
    try {
      ROOT = Files.createTempDirectory("annals-log-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(ROOT)));
  }

  private TestStores() {}

  static Path freshDir() {
    try {
      return Files.createTempDirectory(ROOT, "store-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LogEventStore open(LogOptions options) {
    return Annals.open(freshDir(), options);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
