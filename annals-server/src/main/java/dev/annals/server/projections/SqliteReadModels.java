package dev.annals.server.projections;

import dev.annals.core.ExclusiveRole;
import dev.annals.core.LocalRoles;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ProjectionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default read-model store: every hosted projection in one SQLite database
 * ({@code projections.db} in the given directory, or in a temporary directory deleted at
 * {@link #close} when the server keeps no data); each as-of build in a scratch database of its own in
 * a directory {@code as-of-*} beside it, deleted when the build is dropped (and at the next start, if
 * a killed server left one). Thread-safe.
 */
public final class SqliteReadModels implements ReadModelTargets {

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
    new SqliteScratches(dir).deleteLeftovers();
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
    return new SqliteScratches(open.orElseThrow(() -> new IllegalStateException("the projection database is not open")))
        .create();
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
    temporary.ifPresent(SqliteScratches::deleteTree);
    temporary = Optional.empty();
  }
}
