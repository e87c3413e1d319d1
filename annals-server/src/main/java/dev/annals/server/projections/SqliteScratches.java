package dev.annals.server.projections;

import dev.annals.cqrs.projection.JdbcTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The as-of builds' scratch databases: each in a SQLite file of its own, in a directory {@code as-of-*}
 * under a parent directory, deleted when the build is dropped (and, for what a killed server left behind,
 * at the next start). As-of builds are one server's cache, so they stay on its disk whatever engine holds
 * the live read models. Thread-safe (stateless besides the parent).
 */
final class SqliteScratches {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteScratches.class);
  /** The scratch directories of as-of builds; leftovers go at {@link #deleteLeftovers}. */
  static final String AS_OF_PREFIX = "as-of-";

  private final Path parent;

  SqliteScratches(Path parent) {
    this.parent = parent;
  }

  /** A new, empty target in a directory of its own, removed when the scratch closes. */
  ReadModelTargets.Scratch create() throws IOException {
    Path scratch = Files.createTempDirectory(parent, AS_OF_PREFIX);
    try {
      JdbcTarget t = JdbcTarget.sqlite(scratch);
      return new ReadModelTargets.Scratch() {
        @Override
        public JdbcTarget target() {
          return t;
        }

        @Override
        public void close() {
          try {
            t.close();
          } finally {
            deleteTree(scratch);
          }
        }
      };
    } catch (RuntimeException e) {
      deleteTree(scratch);
      throw e;
    }
  }

  /** Scratch directories an as-of build left behind (the server was killed during one). */
  void deleteLeftovers() {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(AS_OF_PREFIX)).toList()) {
        LOG.info("deleting {}, left by an as-of build that did not finish", p);
        deleteTree(p);
      }
    } catch (IOException e) {
      LOG.warn("could not list {} for as-of leftovers: {}", parent, e.toString());
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the temporary projection directory {}: {}", dir, e.toString());
    }
  }
}
