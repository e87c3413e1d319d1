package dev.annals.server.projections;

import dev.annals.core.ExclusiveRole;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.ProjectionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Read models in a database several servers share (PostgreSQL beside the PostgreSQL engine): one target
 * holds every projection, each projection is run by whichever server holds its role (for PostgreSQL a
 * session advisory lock, lost with its connection), and as-of builds stay in SQLite scratch files on this
 * server's disk (a temporary directory, removed at close). Thread-safe.
 */
public final class SharedReadModels implements ReadModelTargets {

  /** What {@link #open} opens: the shared target and what closes it. */
  public interface Opener {
    /** Opens the shared target; {@code closer} runs at {@link #close} after the target closes. */
    Opened open();
  }

  /** An open shared target and what to close with it. */
  public record Opened(JdbcTarget target, AutoCloseable closer) {}

  private final Opener opener;
  private final Function<String, Optional<ExclusiveRole>> roles;
  private final String description;
  private volatile Optional<Opened> opened = Optional.empty();
  private volatile Optional<Path> scratchDir = Optional.empty();

  /**
   * @param opener opens the shared target at {@link #open}
   * @param roles grants exclusive roles among every server sharing the database, e.g. the store's
   *     {@code tryAcquireRole}; asked for {@code projection:NAME}
   * @param description where the read models are, for logs and errors
   */
  public SharedReadModels(Opener opener, Function<String, Optional<ExclusiveRole>> roles, String description) {
    this.opener = opener;
    this.roles = roles;
    this.description = description;
  }

  @Override
  public synchronized void open() {
    if (opened.isPresent()) {
      return;
    }
    try {
      scratchDir = Optional.of(Files.createTempDirectory("annals-as-of-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    opened = Optional.of(opener.open());
  }

  @Override
  public JdbcTarget target(String name) {
    return shared();
  }

  @Override
  public JdbcTarget shared() {
    return opened.orElseThrow(() -> new IllegalStateException("the read models are not open")).target();
  }

  @Override
  public boolean sharedByServers() {
    return true;
  }

  @Override
  public Optional<ExclusiveRole> tryLead(String name) {
    return roles.apply("projection:" + name);
  }

  @Override
  public Scratch scratch(ProjectionId projection) throws IOException {
    return new SqliteScratches(scratchDir.orElseThrow(() -> new IllegalStateException("the read models are not open")))
        .create();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public synchronized void close() {
    Optional<Opened> o = opened;
    opened = Optional.empty();
    try {
      o.ifPresent(x -> {
        try {
          x.target().close();
        } finally {
          try {
            x.closer().close();
          } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(SharedReadModels.class).warn("closing {}: {}", description, e.toString());
          }
        }
      });
    } finally {
      scratchDir.ifPresent(SqliteScratches::deleteTree);
      scratchDir = Optional.empty();
    }
  }
}
