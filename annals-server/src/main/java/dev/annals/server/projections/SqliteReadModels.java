package dev.annals.server.projections;

import dev.annals.core.ExclusiveRole;
import dev.annals.core.LocalRoles;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ProjectionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default read-model store: every hosted projection in one SQLite database
 * ({@code projections.db} in the given directory, or in a temporary directory deleted at
 * {@link #close} when the server keeps no data); each as-of build in a scratch database of its own in
 * a directory {@code as-of-*} beside it, deleted when the build is dropped (and at the next start, if
 * a killed server left one). Thread-safe.
 */
public final class SqliteReadModels implements ReadModelTargets {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteReadModels.class);
  /** The scratch directories of as-of builds, beside the projection database; leftovers go at open. */
  static final String AS_OF_PREFIX = "as-of-";
  private static final String SHARED = "";

  private final Optional<Path> directory;
  private volatile Optional<Path> open = Optional.empty();
  private volatile Optional<JdbcTarget> target = Optional.empty();
  private Optional<Path> temporary = Optional.empty();
  /** One server has this database: it leads every projection, one holder per name. */
  private final LocalRoles roles = new LocalRoles();

  /** @param directory where the database lives; empty: a temporary directory */
  public SqliteReadModels(Optional<Path> directory) {
    this.directory = directory;
  }

  @Override
  public synchronized void open() {
    if (target.isPresent()) {
      return;
    }
    Path dir = directory.orElseGet(() -> {
      try {
        Path t = Files.createTempDirectory("annals-projections-");
        temporary = Optional.of(t);
        return t;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    deleteAsOfLeftovers(dir);
    target = Optional.of(JdbcTarget.sqlite(dir));
    open = Optional.of(dir);
  }

  @Override
  public JdbcTarget target(String name) {
    return target.orElseThrow(() -> new IllegalStateException("the projection database is not open"));
  }

  @Override
  public JdbcTarget shared() {
    return target(SHARED);
  }

  @Override
  public Optional<ExclusiveRole> tryLead(String name) {
    return roles.tryAcquire("projection:" + name);
  }

  @Override
  public Scratch scratch(ProjectionId projection) throws IOException {
    Path dir = open.orElseThrow(() -> new IllegalStateException("the projection database is not open"));
    Path scratch = Files.createTempDirectory(dir, AS_OF_PREFIX);
    try {
      JdbcTarget t = JdbcTarget.sqlite(scratch);
      return new Scratch() {
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

  @Override
  public String describe() {
    return open.or(() -> directory).map(d -> d.resolve(JdbcTarget.SQLITE_FILE).toString())
        .orElse("a temporary " + JdbcTarget.SQLITE_FILE);
  }

  /** The database's directory, while open (tests look at the as-of builds in it). */
  Optional<Path> directory() {
    return open;
  }

  @Override
  public synchronized void close() {
    open = Optional.empty();
    roles.releaseAll();
    target.ifPresent(JdbcTarget::close);
    target = Optional.empty();
    temporary.ifPresent(SqliteReadModels::deleteTree);
    temporary = Optional.empty();
  }

  /** Scratch directories an as-of build left behind (the server was killed during one). */
  private static void deleteAsOfLeftovers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(AS_OF_PREFIX)).toList()) {
        LOG.info("deleting {}, left by an as-of build that did not finish", p);
        deleteTree(p);
      }
    } catch (IOException e) {
      LOG.warn("could not list {} for as-of leftovers: {}", dir, e.toString());
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the temporary projection directory {}: {}", dir, e.toString());
    }
  }
}
