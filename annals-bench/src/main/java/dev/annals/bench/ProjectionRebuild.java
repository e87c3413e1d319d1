package dev.annals.bench;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.projection.AsyncProjectionRunner;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.MemoryTables;
import dev.annals.cqrs.projection.MemoryTarget;
import dev.annals.cqrs.projection.Projection;
import dev.annals.cqrs.projection.ProjectionTarget;
import dev.annals.cqrs.projection.RunnerOptions;
import dev.annals.cqrs.projection.SqliteDialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code projection-rebuild-1m}: builds a stream catalogue read model (per stream: events, last
 * position) from position 1 over 1,000,000 events, as a rebuild does, into SQLite and into memory. The
 * source is the in-memory store. Baselines, in the same run over the same events: a raw JDBC upsert
 * loop with the same SQL and batch size (SQLite), and a plain HashMap fold loop (memory).
 */
final class ProjectionRebuild implements Workload {

  static final int STREAMS = 10_000;
  static final int BATCH = 5_000;
  static final String UPSERT = "INSERT INTO {stream_stats} (stream, events, last_position) VALUES (?, 1, ?)"
      + " ON CONFLICT (stream) DO UPDATE SET events = {stream_stats}.events + 1, last_position = excluded.last_position";

  static final String CREATE_STATS = "CREATE TABLE IF NOT EXISTS {stream_stats} (stream VARCHAR(256) PRIMARY KEY,"
      + " events BIGINT NOT NULL, last_position BIGINT NOT NULL)";

  /** Something done with each event of the log, in order. */
  @FunctionalInterface
  interface EventStep {
    void accept(RecordedEvent e) throws Exception;
  }

  /** Reads the whole log forward in pages of 512 (as the runners do) and hands each event to {@code step}. */
  static void forEachEvent(EventStore store, EventStep step) throws Exception {
    long from = 1;
    while (true) {
      Page page = store.readAll(from, Direction.FORWARD, 512, Filter.all());
      for (RecordedEvent e : page.events()) {
        step.accept(e);
      }
      if (page.end()) {
        return;
      }
      from = page.next();
    }
  }

  /** Runs {@code p} from position 1 to the store's head into {@code target}; returns events per second. */
  static <S> double timeToHead(EventStore store, Projection<S> p, ProjectionTarget<S> target, int n)
      throws InterruptedException {
    long t0 = System.nanoTime();
    try (AsyncProjectionRunner<S> runner = AsyncProjectionRunner.start(store, p, target,
        RunnerOptions.defaults().withMaxBatch(BATCH))) {
      if (!runner.awaitPosition(store.headPosition(), Duration.ofMinutes(10))) {
        throw new IllegalStateException(p.id() + " did not finish");
      }
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Fails the row unless the read model counted every event. */
  static void checkCount(JdbcTarget target, int n) throws java.sql.SQLException {
    try (Connection c = target.openReader(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT SUM(events) FROM stream_stats")) {
      long counted = rs.next() ? rs.getLong(1) : 0;
      if (counted != n) {
        throw new IllegalStateException("the projection counted " + counted + " events, not " + n);
      }
    }
  }

  /** The batched projection's write: one per stream per unit of work. */
  static final String UPSERT_SUM = "INSERT INTO {stream_stats} (stream, events, last_position) VALUES (?, ?, ?)"
      + " ON CONFLICT (stream) DO UPDATE SET events = {stream_stats}.events + excluded.events,"
      + " last_position = excluded.last_position";

  record Stats(long events, long lastPosition) {}

  /** Per stream of a batch: how many events and the last position, in first-seen order. */
  static Map<String, long[]> sums(List<RecordedEvent> events) {
    Map<String, long[]> perStream = new java.util.LinkedHashMap<>();
    for (RecordedEvent e : events) {
      long[] s = perStream.computeIfAbsent(e.stream(), k -> new long[2]);
      s[0]++;
      s[1] = e.position();
    }
    return perStream;
  }

  @Override
  public String name() {
    return "projection-rebuild-1m";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    int n = env.size(1_000_000, 200_000);
    String size = env.quick() ? n + " events (quick; full run: 1,000,000)" : n + " events";
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      env.progress("appending " + n + " events to the in-memory store");
      fill(store, n);
      List<BenchResult> rows = new ArrayList<>();
      rows.add(sqlite(env, store, n, size));
      rows.add(sqliteBatched(env, store, n, size));
      rows.add(memory(env, store, n, size));
      return rows;
    }
  }

  static void fill(EventStore store, int n) {
    Json data = Json.of("{\"amount\":100}");
    int written = 0;
    int i = 0;
    while (written < n) {
      int count = Math.min(100, n - written);
      List<EventData> batch = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        batch.add(new EventData(UUID.randomUUID(), "Deposited", data, Json.EMPTY_OBJECT, Optional.empty()));
      }
      store.append("account-" + (i++ % STREAMS), ExpectedVersion.ANY, batch);
      written += count;
    }
  }

  private BenchResult sqlite(BenchEnv env, EventStore store, int n, String size) throws Exception {
    Projection<JdbcSession> p = Projection.<JdbcSession>named("catalogue", 1)
        .tables("stream_stats")
        .setup(db -> db.execute(CREATE_STATS))
        .onAny((db, e) -> db.write(UPSERT, e.stream(), e.position()))
        .build();
    env.progress("sqlite target");
    double eps;
    try (JdbcTarget target = JdbcTarget.sqlite(env.newDir("proj-sqlite"))) {
      eps = timeToHead(store, p, target, n);
      checkCount(target, n);
    }
    env.progress("raw JDBC baseline");
    Path dir = env.newDir("proj-raw");
    SqliteDialect dialect = new SqliteDialect(dir.resolve("raw.db"));
    double baseEps;
    try (Connection c = dialect.openWriter()) {
      try (Statement s = c.createStatement()) {
        s.execute(CREATE_STATS.replace("{stream_stats}", "stream_stats"));
      }
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(UPSERT.replace("{stream_stats}", "stream_stats"))) {
        int[] inTx = {0};
        dialect.begin(c);
        forEachEvent(store, e -> {
          ps.setString(1, e.stream());
          ps.setLong(2, e.position());
          ps.addBatch();
          if (++inTx[0] % JdbcSession.MAX_QUEUED == 0 || inTx[0] == BATCH) {
            ps.executeBatch();
          }
          if (inTx[0] == BATCH) {
            dialect.commit(c);
            dialect.begin(c);
            inTx[0] = 0;
          }
        });
        ps.executeBatch();
        dialect.commit(c);
      }
      baseEps = n / ((System.nanoTime() - t0) / 1e9);
    }
    return new BenchResult(name(), "sqlite-target", eps, Double.NaN, Double.NaN, "raw-jdbc-upsert", baseEps,
        size + " on " + STREAMS + " streams, 1 partition, units of " + BATCH + "; one upsert per event (db.write: "
            + "JDBC batches of " + JdbcSession.MAX_QUEUED + "); source: in-memory store; baseline: same upserts,"
            + " same JDBC batches and transactions, no checkpoint");
  }

  /**
   * The same read model from a batched projection ({@code onBatch}): one upsert per stream per unit of
   * work. Baseline: raw JDBC doing the same per-batch sums and upserts, no checkpoint.
   */
  private BenchResult sqliteBatched(BenchEnv env, EventStore store, int n, String size) throws Exception {
    Projection<JdbcSession> p = Projection.<JdbcSession>named("catalogue", 1)
        .tables("stream_stats")
        .setup(db -> db.execute(CREATE_STATS))
        .onBatch((db, events) -> {
          PreparedStatement ps = db.prepare(UPSERT_SUM);
          for (Map.Entry<String, long[]> s : sums(events).entrySet()) {
            ps.setString(1, s.getKey());
            ps.setLong(2, s.getValue()[0]);
            ps.setLong(3, s.getValue()[1]);
            ps.executeUpdate();
          }
        })
        .build();
    env.progress("sqlite target, batched projection");
    double eps;
    Path targetDir = env.newDir("proj-sqlite-batched");
    try (JdbcTarget target = JdbcTarget.sqlite(targetDir)) {
      eps = timeToHead(store, p, target, n);
      checkCount(target, n);
    }
    env.progress("raw JDBC batched baseline");
    SqliteDialect dialect = new SqliteDialect(env.newDir("proj-raw-batched").resolve("raw.db"));
    double baseEps;
    try (Connection c = dialect.openWriter()) {
      try (Statement s = c.createStatement()) {
        s.execute(CREATE_STATS.replace("{stream_stats}", "stream_stats"));
      }
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(UPSERT_SUM.replace("{stream_stats}", "stream_stats"))) {
        List<RecordedEvent> batch = new ArrayList<>(BATCH);
        forEachEvent(store, e -> {
          batch.add(e);
          if (batch.size() == BATCH) {
            rawBatch(dialect, c, ps, batch);
          }
        });
        if (!batch.isEmpty()) {
          rawBatch(dialect, c, ps, batch);
        }
      }
      baseEps = n / ((System.nanoTime() - t0) / 1e9);
    }
    return new BenchResult(name(), "sqlite-target-batched", eps, Double.NaN, Double.NaN, "raw-jdbc-batched", baseEps,
        size + " on " + STREAMS + " streams, 1 partition, units of " + BATCH + "; a batched projection (onBatch):"
            + " one upsert per stream per unit; baseline: the same sums and upserts, no checkpoint");
  }

  private static void rawBatch(SqliteDialect dialect, Connection c, PreparedStatement ps, List<RecordedEvent> batch)
      throws java.sql.SQLException {
    dialect.begin(c);
    for (Map.Entry<String, long[]> s : sums(batch).entrySet()) {
      ps.setString(1, s.getKey());
      ps.setLong(2, s.getValue()[0]);
      ps.setLong(3, s.getValue()[1]);
      ps.executeUpdate();
    }
    dialect.commit(c);
    batch.clear();
  }

  private BenchResult memory(BenchEnv env, EventStore store, int n, String size) throws Exception {
    Projection<MemoryTables> p = Projection.<MemoryTables>named("catalogue", 1)
        .tables("stream_stats")
        .onAny((db, e) -> {
          Stats s = db.getOrDefault("stream_stats", e.stream(), new Stats(0, 0));
          db.put("stream_stats", e.stream(), new Stats(s.events() + 1, e.position()));
        })
        .build();
    env.progress("memory target (an untimed pass first: at 2M events/s the timed pass lasts 0.5 s, and a cold"
        + " JIT would be most of what it measures)");
    try (MemoryTarget warmUp = new MemoryTarget()) {
      timeToHead(store, p, warmUp, n);
    }
    double eps;
    try (MemoryTarget target = new MemoryTarget()) {
      eps = timeToHead(store, p, target, n);
    }
    env.progress("plain fold baseline");
    long b0 = System.nanoTime();
    Map<String, Stats> fold = new HashMap<>();
    forEachEvent(store, e -> {
      Stats s = fold.getOrDefault(e.stream(), new Stats(0, 0));
      fold.put(e.stream(), new Stats(s.events() + 1, e.position()));
    });
    double baseEps = n / ((System.nanoTime() - b0) / 1e9);
    if (fold.size() != Math.min(STREAMS, (n + 99) / 100)) {
      throw new IllegalStateException("baseline fold saw " + fold.size() + " streams");
    }
    return new BenchResult(name(), "memory-target", eps, Double.NaN, Double.NaN, "plain-fold-loop", baseEps,
        size + " on " + STREAMS + " streams, 1 partition, after one untimed pass; source: in-memory store (read in"
            + " pages of 512); baseline: HashMap fold over the same pages, single thread, no checkpoint");
  }
}
