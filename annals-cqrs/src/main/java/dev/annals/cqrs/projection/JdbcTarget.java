package dev.annals.cqrs.projection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Read models in a relational database, with each version's checkpoint and parked events in the same
 * database and committed in the same transaction as its writes: exactly-once processing.
 *
 * <p>Layout: a version's logical table {@code t} is the physical table {@code t_v<version>}; the live
 * version is published as the view {@code t} (what queries read). Bookkeeping tables:
 * <pre>
 *   annals_projection           (name, version) -> partitions, position (gap-safe), live (0/1)
 *   annals_projection_partition (name, version, part) -> position (last committed by the partition)
 *   annals_projection_table     (name, version, tbl): the logical tables of a version
 *   annals_parked               (name, version, position) -> stream, type, error, attempts, parked_at
 *   annals_projection_source    (name, version, source, part) -> next_offset, position ({@link JdbcSourceOffsets})
 * </pre>
 * Promotion flips {@code live} and re-creates the views in one transaction. Only the connections
 * differ per database ({@link SqlDialect}). Thread-safe; one writer connection per version and partition.
 */
public final class JdbcTarget implements ProjectionTarget<JdbcSession> {

  /** The database file of {@link #sqlite(Path)} inside its directory. */
  public static final String SQLITE_FILE = "projections.db";

  private static final List<String> META = List.of(
      "CREATE TABLE IF NOT EXISTS annals_projection (name VARCHAR(64) NOT NULL, version INTEGER NOT NULL,"
          + " partitions INTEGER NOT NULL, position BIGINT NOT NULL, live INTEGER NOT NULL, PRIMARY KEY (name, version))",
      "CREATE TABLE IF NOT EXISTS annals_projection_partition (name VARCHAR(64) NOT NULL, version INTEGER NOT NULL,"
          + " part INTEGER NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (name, version, part))",
      "CREATE TABLE IF NOT EXISTS annals_projection_table (name VARCHAR(64) NOT NULL, version INTEGER NOT NULL,"
          + " tbl VARCHAR(64) NOT NULL, PRIMARY KEY (name, version, tbl))",
      "CREATE TABLE IF NOT EXISTS annals_parked (name VARCHAR(64) NOT NULL, version INTEGER NOT NULL,"
          + " position BIGINT NOT NULL, stream VARCHAR(1024) NOT NULL, type VARCHAR(128) NOT NULL, error TEXT NOT NULL,"
          + " attempts INTEGER NOT NULL, parked_at VARCHAR(40) NOT NULL, PRIMARY KEY (name, version, position))",
      JdbcSourceOffsets.DDL);

  private record WriterKey(ProjectionId id, int partition) {}

  /** A partition's connection with its session and bookkeeping statements. */
  private static final class Writer {
    final Connection connection;
    final JdbcSession session;

    Writer(Connection connection, ProjectionId id, SqlDialect dialect) {
      this.connection = connection;
      this.session = new JdbcSession(connection, id, dialect);
    }

    void close() {
      session.closeStatements();
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing anyway.
      }
    }
  }

  private final SqlDialect dialect;
  private final ConcurrentHashMap<WriterKey, Writer> writers = new ConcurrentHashMap<>();
  /**
   * Per version and partition, the checkpoint this target last handed out ({@link #open}) or committed: a
   * commit moves the stored one only from there (compare-and-set), so a runner that another server's runner
   * overtook is fenced off instead of applying events twice.
   */
  private final ConcurrentHashMap<WriterKey, Long> fences = new ConcurrentHashMap<>();

  public JdbcTarget(SqlDialect dialect) {
    this.dialect = dialect;
    inTransaction(c -> {
      try (Statement s = c.createStatement()) {
        for (String ddl : META) {
          s.execute(ddl);
        }
      }
      return null;
    });
  }

  /** The embedded default: SQLite in {@code directory}/{@value #SQLITE_FILE} (created when missing). */
  public static JdbcTarget sqlite(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new JdbcTarget(new SqliteDialect(directory.resolve(SQLITE_FILE)));
  }

  /** A connection for queries (auto-commit on); read the views named after the logical tables. */
  public Connection openReader() {
    try {
      return dialect.openReader();
    } catch (SQLException e) {
      throw new ReadModelException("cannot open " + dialect.describe() + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface SqlWork<T extends @Nullable Object> {
    T run(Connection c) throws SQLException;
  }

  private <T extends @Nullable Object> T inTransaction(SqlWork<T> work) {
    try (Connection c = dialect.openWriter()) {
      dialect.begin(c);
      try {
        T t = work.run(c);
        dialect.commit(c);
        return t;
      } catch (SQLException | RuntimeException e) {
        dialect.rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new ReadModelException(dialect.describe() + ": " + e.getMessage(), e);
    }
  }

  private <T extends @Nullable Object> T read(SqlWork<T> work) {
    try (Connection c = dialect.openReader()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new ReadModelException(dialect.describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Checkpoint open(Projection<JdbcSession> projection, int partitions) {
    ProjectionId id = projection.id();
    return inTransaction(c -> {
      Optional<Integer> stored = queryInt(c, "SELECT partitions FROM annals_projection WHERE name = ? AND version = ?",
          id.name(), id.version());
      if (stored.isEmpty()) {
        update(c, "INSERT INTO annals_projection (name, version, partitions, position, live) VALUES (?, ?, ?, 0, 0)",
            id.name(), id.version(), partitions);
        for (int p = 0; p < partitions; p++) {
          update(c, "INSERT INTO annals_projection_partition (name, version, part, position) VALUES (?, ?, ?, 0)",
              id.name(), id.version(), p);
        }
      }
      for (String t : projection.tables()) {
        if (queryInt(c, "SELECT 1 FROM annals_projection_table WHERE name = ? AND version = ? AND tbl = ?",
            id.name(), id.version(), t).isEmpty()) {
          update(c, "INSERT INTO annals_projection_table (name, version, tbl) VALUES (?, ?, ?)",
              id.name(), id.version(), t);
        }
      }
      dialect.prepareVersion(c, id);
      JdbcSession setup = new JdbcSession(c, id, dialect);
      try {
        projection.setup().create(setup);
      } catch (SQLException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new ReadModelException("setup of " + id + " failed: " + e, e);
      } finally {
        setup.closeStatements();
      }
      if (queryInt(c, "SELECT version FROM annals_projection WHERE name = ? AND live = 1", id.name()).isEmpty()) {
        makeLive(c, id, projection.tables());
      }
      Checkpoint cp = checkpoint(c, id).orElseThrow();
      for (int p = 0; p < cp.partitionCount(); p++) {
        fences.put(new WriterKey(id, p), cp.partitionPosition(p));
      }
      return cp;
    });
  }

  private void makeLive(Connection c, ProjectionId id, List<String> tables) throws SQLException {
    Optional<Integer> old = queryInt(c, "SELECT version FROM annals_projection WHERE name = ? AND live = 1", id.name());
    if (old.isPresent()) {
      for (String t : tablesOf(c, new ProjectionId(id.name(), old.get()))) {
        update(c, "DROP VIEW IF EXISTS " + t);
      }
    }
    update(c, "UPDATE annals_projection SET live = CASE WHEN version = ? THEN 1 ELSE 0 END WHERE name = ?",
        id.version(), id.name());
    for (String t : tables) {
      update(c, "DROP VIEW IF EXISTS " + t);
      update(c, "CREATE VIEW " + t + " AS SELECT * FROM " + dialect.physicalTable(id, t));
    }
  }

  private static List<String> tablesOf(Connection c, ProjectionId id) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT tbl FROM annals_projection_table WHERE name = ? AND version = ? ORDER BY tbl")) {
      ps.setString(1, id.name());
      ps.setInt(2, id.version());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private Writer writer(ProjectionId id, int partition) {
    return writers.computeIfAbsent(new WriterKey(id, partition), k -> {
      try {
        return new Writer(dialect.openWriter(), id, dialect);
      } catch (SQLException e) {
        throw new ReadModelException("cannot open " + dialect.describe() + ": " + e.getMessage(), e);
      }
    });
  }

  @Override
  public UnitOfWork<JdbcSession> begin(ProjectionId id, int partition) {
    WriterKey key = new WriterKey(id, partition);
    Writer w = writer(id, partition);
    try {
      dialect.begin(w.connection);
    } catch (SQLException e) {
      throw new ReadModelException(id + " partition " + partition + ": cannot begin: " + e.getMessage(), e);
    }
    return new UnitOfWork<>() {
      private boolean done;

      @Override
      public JdbcSession session() {
        return w.session;
      }

      @Override
      public void flush() throws SQLException {
        w.session.flush();
      }

      @Override
      public void park(ParkedEvent e) {
        run(() -> w.session.update("INSERT INTO annals_parked (name, version, position, stream, type, error, attempts,"
                + " parked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id.name(), id.version(), e.position(), e.stream(),
            e.type(), e.error(), e.attempts(), e.parkedAt().toString()));
      }

      @Override
      public void unpark(long position) {
        int[] removed = new int[1];
        run(() -> removed[0] = w.session.update("DELETE FROM annals_parked WHERE name = ? AND version = ? AND position = ?",
            id.name(), id.version(), position));
        if (removed[0] == 0) { // inside this unit's write transaction: no other replay can take it meanwhile
          throw new NotParkedException(id, position);
        }
      }

      @Override
      public void commit(long partitionPosition, long safePosition) {
        run(() -> {
          long expected = fences.containsKey(key) ? fences.get(key) : storedPosition(w.session, id, partition);
          if (w.session.update("UPDATE annals_projection_partition SET position = CASE WHEN position < ? THEN ? ELSE"
              + " position END WHERE name = ? AND version = ? AND part = ? AND position = ?", partitionPosition,
              partitionPosition, id.name(), id.version(), partition, expected) == 0) {
            throw new CheckpointFencedException(id, partition, expected, storedPosition(w.session, id, partition));
          }
          w.session.update("UPDATE annals_projection SET position = ? WHERE name = ? AND version = ? AND position < ?",
              safePosition, id.name(), id.version(), safePosition);
          dialect.commit(w.connection);
          fences.put(key, Math.max(expected, partitionPosition));
          return 0;
        });
        done = true;
      }

      @Override
      public void commitSource(String source, long expectedOffset, SourceOffset next) {
        run(() -> {
          w.session.flush();
          JdbcSourceOffsets.compareAndSet(w.session, id, source, expectedOffset, next);
          dialect.commit(w.connection);
          return 0;
        });
        done = true;
      }

      @Override
      public void commitWithoutCheckpoint() {
        run(() -> {
          dialect.commit(w.connection);
          return 0;
        });
        done = true;
      }

      private void run(SqlCall call) {
        try {
          call.run();
        } catch (SQLException e) {
          throw new ReadModelException(id + " partition " + partition + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void close() {
        if (!done) {
          w.session.discard();
          try {
            dialect.rollback(w.connection);
          } catch (SQLException e) {
            // The connection is unusable: forget it, the next unit of work opens a new one.
            writers.remove(key, w);
            w.close();
          }
        }
      }
    };
  }

  private static long storedPosition(JdbcSession session, ProjectionId id, int partition) throws SQLException {
    return session.queryOne("SELECT position FROM annals_projection_partition WHERE name = ? AND version = ? AND part = ?",
        rs -> rs.getLong(1), id.name(), id.version(), partition).orElse(-1L);
  }

  @FunctionalInterface
  private interface SqlCall {
    int run() throws SQLException;
  }

  @Override
  public Optional<Checkpoint> checkpoint(ProjectionId id) {
    return read(c -> checkpoint(c, id));
  }

  private static Optional<Checkpoint> checkpoint(Connection c, ProjectionId id) throws SQLException {
    long position;
    int n;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT position, partitions FROM annals_projection WHERE name = ? AND version = ?")) {
      ps.setString(1, id.name());
      ps.setInt(2, id.version());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        position = rs.getLong(1);
        n = rs.getInt(2);
      }
    }
    long[] parts = new long[n];
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT part, position FROM annals_projection_partition WHERE name = ? AND version = ?")) {
      ps.setString(1, id.name());
      ps.setInt(2, id.version());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          parts[rs.getInt(1)] = rs.getLong(2);
        }
      }
    }
    return Optional.of(new Checkpoint(position, parts));
  }

  @Override
  public List<SourceOffset> openSource(ProjectionId id, String source, int partitions) {
    return inTransaction(c -> JdbcSourceOffsets.open(c, id, source, partitions));
  }

  @Override
  public List<SourceOffset> sourceOffsets(ProjectionId id, String source) {
    return read(c -> JdbcSourceOffsets.read(c, id, source));
  }

  @Override
  public Optional<Integer> liveVersion(String name) {
    return read(c -> queryInt(c, "SELECT version FROM annals_projection WHERE name = ? AND live = 1", name));
  }

  @Override
  public void promote(Projection<JdbcSession> projection) {
    inTransaction(c -> {
      if (queryInt(c, "SELECT 1 FROM annals_projection WHERE name = ? AND version = ?", projection.name(),
          projection.version()).isEmpty()) {
        throw new IllegalStateException(projection.id() + " was never opened in " + dialect.describe());
      }
      makeLive(c, projection.id(), projection.tables());
      return null;
    });
  }

  @Override
  public void drop(Projection<JdbcSession> projection) {
    ProjectionId id = projection.id();
    if (liveVersion(id.name()).orElse(-1) == id.version()) {
      throw new IllegalStateException(id + " is live; promote another version first");
    }
    fences.keySet().removeIf(k -> k.id().equals(id));
    writers.entrySet().removeIf(e -> {
      if (e.getKey().id().equals(id)) {
        e.getValue().close();
        return true;
      }
      return false;
    });
    inTransaction(c -> {
      Set<String> tables = new LinkedHashSet<>(tablesOf(c, id));
      tables.addAll(projection.tables());
      for (String t : tables) {
        update(c, "DROP TABLE IF EXISTS " + dialect.physicalTable(id, t));
      }
      dialect.dropVersion(c, id);
      for (String meta : List.of("annals_projection", "annals_projection_partition", "annals_projection_table",
          "annals_parked", JdbcSourceOffsets.TABLE)) {
        update(c, "DELETE FROM " + meta + " WHERE name = ? AND version = ?", id.name(), id.version());
      }
      return null;
    });
  }

  @Override
  public List<ParkedEvent> parked(ProjectionId id) {
    return read(c -> {
      List<ParkedEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT position, stream, type, error, attempts, parked_at"
          + " FROM annals_parked WHERE name = ? AND version = ? ORDER BY position")) {
        ps.setString(1, id.name());
        ps.setInt(2, id.version());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ParkedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                Instant.parse(rs.getString(6))));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Comparison compare(Projection<JdbcSession> live, Projection<JdbcSession> shadow, int sampleSize) {
    // One read transaction on a reader connection: both versions as of the same snapshot, without the
    // write lock (a WAL reader never blocks the writers, so the live projection keeps committing).
    return read(c -> {
      c.setAutoCommit(false); // a deferred BEGIN: the snapshot is taken at the first read
      try {
        return JdbcComparison.compare(c, dialect, live, shadow, sampleSize,
            checkpoint(c, live.id()).map(Checkpoint::position).orElse(0L),
            checkpoint(c, shadow.id()).map(Checkpoint::position).orElse(0L));
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    });
  }

  @Override
  public String guarantee() {
    return "exactly-once: read model, checkpoint and parked events commit in one transaction (" + dialect.describe() + ")";
  }

  private static Optional<Integer> queryInt(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
      }
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    writers.values().forEach(Writer::close);
    writers.clear();
  }
}
