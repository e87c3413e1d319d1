package dev.annals.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a directory the CLI made itself (a demo or serve that did not get going). */
final class Directories {

  private Directories() {}

  /**
   * Deletes {@code dir} and everything in it, as far as it can; returns true when it is gone. Only for
   * directories this process created: it follows no symbolic links out of {@code dir}.
   */
  static boolean deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      return false;
    }
    return !Files.exists(dir);
  }
}
