package dev.annals.bench;

import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresReadModels;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code pg-projection-rebuild-1m}: a batched projection (one upsert per stream per unit of work, as
 * {@code projection-rebuild-1m}'s batched row) rebuilt from position 1 over 1,000,000 events into PostgreSQL
 * read models ({@link PostgresReadModels}: its version's tables, checkpoint in the same transaction). The
 * source is the in-memory store, so the row measures the target. Baseline, same run, same PostgreSQL: raw
 * JDBC computing the same per-unit sums and running the same upserts in the same transactions, with no
 * checkpoint. Target (issue 20): at least 100,000 events/s.
 */
final class PgProjectionRebuild extends PgWorkload {

  static final String STORE = "postgresql-target-batched";

  PgProjectionRebuild() {
    this(PgSizes::of);
  }

  PgProjectionRebuild(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return STORE;
  }

  @Override
  public String name() {
    return "pg-projection-rebuild-1m";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    int n = size.readEvents();
    Projection<JdbcSession> p = Projection.<JdbcSession>named("catalogue", 1)
        .tables("stream_stats")
        .setup(db -> db.execute(ProjectionRebuild.CREATE_STATS))
        .onBatch((db, events) -> {
          PreparedStatement ps = db.prepare(ProjectionRebuild.UPSERT_SUM);
          for (Map.Entry<String, long[]> s : ProjectionRebuild.sums(events).entrySet()) {
            ps.setString(1, s.getKey());
            ps.setLong(2, s.getValue()[0]);
            ps.setLong(3, s.getValue()[1]);
            ps.executeUpdate();
          }
        })
        .build();
    try (InMemoryEventStore source = new InMemoryEventStore()) {
      env.progress("appending " + n + " events to the in-memory store");
      ProjectionRebuild.fill(source, n);
      String db = server.createDatabase();
      env.progress("postgresql read models: a batched projection from position 1");
      double eps;
      try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString());
          PostgresReadModels.Target target = PostgresReadModels.target(store)) {
        eps = ProjectionRebuild.timeToHead(source, p, target.target(), n);
        ProjectionRebuild.checkCount(target.target(), n);
      }
      env.progress("raw JDBC baseline: the same sums and upserts, no checkpoint");
      double baseEps = raw(server.jdbcUrl(db), source, n);
      PgTargets targets = PgTargets.none().rateAtLeast(eps, 100_000);
      String note = String.format(Locale.ROOT, "%d events on %d streams, 1 partition, units of %d; a batched projection"
          + " (onBatch): one upsert per stream per unit, into its version's schema, checkpoint in the same transaction;"
          + " source: in-memory store; baseline: the same sums, upserts and transactions over pgjdbc, no checkpoint;"
          + " %s%s", n, ProjectionRebuild.STREAMS, ProjectionRebuild.BATCH, targets.text(), size.suffix(env));
      return new BenchResult(name(), STORE, eps, Double.NaN, Double.NaN, "raw-pgjdbc-batched-upserts", baseEps, note);
    }
  }

  private static double raw(String jdbcUrl, InMemoryEventStore source, int n) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA raw_rebuild");
        s.execute(ProjectionRebuild.CREATE_STATS.replace("{stream_stats}", "raw_rebuild.stream_stats"));
      }
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(
          ProjectionRebuild.UPSERT_SUM.replace("{stream_stats}", "raw_rebuild.stream_stats"))) {
        List<RecordedEvent> batch = new ArrayList<>(ProjectionRebuild.BATCH);
        ProjectionRebuild.forEachEvent(source, e -> {
          batch.add(e);
          if (batch.size() == ProjectionRebuild.BATCH) {
            upsert(c, ps, batch);
          }
        });
        if (!batch.isEmpty()) {
          upsert(c, ps, batch);
        }
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void upsert(Connection c, PreparedStatement ps, List<RecordedEvent> batch) throws java.sql.SQLException {
    for (Map.Entry<String, long[]> s : ProjectionRebuild.sums(batch).entrySet()) {
      ps.setString(1, s.getKey());
      ps.setLong(2, s.getValue()[0]);
      ps.setLong(3, s.getValue()[1]);
      ps.executeUpdate();
    }
    c.commit();
    batch.clear();
  }
}
