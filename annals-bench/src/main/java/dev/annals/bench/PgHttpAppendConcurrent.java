package dev.annals.bench;

import dev.annals.core.Json;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code pg-http-append-concurrent-64}: 64 HTTP clients ({@link HttpLoad}: kept-alive connections, one
 * request in flight each) append single events of 256 B to random streams of 10,000 through
 * {@code POST /streams/{stream}}, for a fixed time, to servers over one PostgreSQL database, each server
 * with its own PostgreSQL store (its own pool and writer threads), all in this JVM. Three runs, each on a
 * fresh database of the run's PostgreSQL: the embedded engine with 64 threads (the ceiling, as
 * {@code pg-append-concurrent-64}), the clients on one server, the clients spread over two servers. Two
 * rows: two servers against one (target issue 20: >= 0.8x, the servers must not fight each other for the
 * head) and two servers against the embedded ceiling (>= 0.5x). Each note says how each run grouped its
 * appends into COMMITs.
 */
final class PgHttpAppendConcurrent implements Workload {

  static final String STORE = "http(postgresql), 2 nodes";

  private final Function<BenchEnv, PgSizes> sizes;

  PgHttpAppendConcurrent() {
    this(PgSizes::of);
  }

  PgHttpAppendConcurrent(Function<BenchEnv, PgSizes> sizes) {
    this.sizes = sizes;
  }

  @Override
  public String name() {
    return "pg-http-append-concurrent-64";
  }

  /** One timed run: what the clients saw and how the servers' engines grouped the appends. */
  private record Run(double perSecond, double p50Us, double p99Us, String grouping) {}

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    return switch (env.postgres().availability()) {
      case BenchPostgres.Availability.Down down -> List.of(BenchResult.skipped(name(), STORE, down.why()));
      case BenchPostgres.Availability.Up up -> measure(env, up.server(), sizes.apply(env));
    };
  }

  private List<BenchResult> measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    env.progress("ceiling: 64 threads appending embedded, " + size.appendMillis() + " ms");
    Run embedded;
    String db0 = server.createDatabase();
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db0).toString())) {
      LogAppendConcurrent.appendFor(store, size.warmUpMillis(), data);
      BenchPostgres.checkpoint(server.jdbcUrl(db0));
      PgAppendBreakdown before = PgAppendBreakdown.of(store);
      LogAppendConcurrent.Measured m = LogAppendConcurrent.appendFor(store, size.appendMillis(), data);
      embedded = new Run(m.perSecond(), m.latencies().percentileUs(50), m.latencies().percentileUs(99),
          String.format(Locale.ROOT, "%.1f events/commit", events(PgAppendBreakdown.of(store).since(before))));
    }
    env.progress("one node: 64 HTTP clients, " + size.appendMillis() + " ms");
    Run one = overHttp(server, 1, size, data);
    env.progress("two nodes: 64 HTTP clients spread over both, " + size.appendMillis() + " ms");
    Run two = overHttp(server, 2, size, data);

    double vsOne = two.perSecond() / one.perSecond();
    double vsEmbedded = two.perSecond() / embedded.perSecond();
    String common = String.format(Locale.ROOT, "%d clients on kept-alive HTTP/1.1 connections, %d streams, %d B events,"
        + " %.1f s after %.1f s warm-up each; two nodes (%s) p50/p99 %.1f/%.1f ms; one node (%s) p50/p99 %.1f/%.1f ms;"
        + " embedded (%s) p50/p99 %.1f/%.1f ms; load average %.1f on %d cores",
        HttpAppendConcurrent.CLIENTS, LogAppendConcurrent.STREAMS, LogBench.EVENT_BYTES, size.appendMillis() / 1e3,
        size.warmUpMillis() / 1e3, two.grouping(), two.p50Us() / 1e3, two.p99Us() / 1e3, one.grouping(),
        one.p50Us() / 1e3, one.p99Us() / 1e3, embedded.grouping(), embedded.p50Us() / 1e3, embedded.p99Us() / 1e3,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    return List.of(
        new BenchResult(name(), STORE, two.perSecond(), two.p50Us(), two.p99Us(), "http(postgresql), 1 node",
            one.perSecond(), common + "; " + PgTargets.none().ratioAtLeast(vsOne, 0.8).text() + size.suffix(env)),
        new BenchResult(name(), STORE, two.perSecond(), two.p50Us(), two.p99Us(), "pg-embedded-64",
            embedded.perSecond(), "the run above against the engine without HTTP; "
                + PgTargets.none().ratioAtLeast(vsEmbedded, 0.5).text() + size.suffix(env)));
  }

  private static double events(PgAppendBreakdown b) {
    return b.events() / (double) Math.max(1, b.groups());
  }

  /** The clients over {@code nodes} servers, each with its own store on one fresh database. */
  private static Run overHttp(LocalPostgres server, int nodes, PgSizes size, Json data) throws Exception {
    String db = server.createDatabase();
    List<PostgresEventStore> stores = new ArrayList<>();
    List<AnnalsServer> servers = new ArrayList<>();
    try {
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        PostgresEventStore store = PostgresEventStore.open(server.url(db).toString());
        stores.add(store);
        AnnalsServer s = new AnnalsServer(store, ServerConfig.defaults().withPort(0).withNodeName("bench-" + (i + 1)),
            new ScanVerifier(store, true)).start();
        servers.add(s);
        addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
      }
      HttpLoad load = new HttpLoad(addresses, HttpAppendConcurrent.CLIENTS);
      load.run(size.warmUpMillis(), n -> HttpAppendConcurrent.appendRequest(data));
      BenchPostgres.checkpoint(server.jdbcUrl(db));
      List<PgAppendBreakdown> before = stores.stream().map(PgAppendBreakdown::of).toList();
      HttpLoad.Outcome out = load.run(size.appendMillis(), n -> HttpAppendConcurrent.appendRequest(data));
      StringBuilder grouping = new StringBuilder();
      for (int i = 0; i < nodes; i++) {
        PgAppendBreakdown b = PgAppendBreakdown.of(stores.get(i)).since(before.get(i));
        grouping.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f events/commit", events(b)));
      }
      return new Run(out.perSecond(), out.latencies().percentileUs(50), out.latencies().percentileUs(99),
          grouping.toString());
    } finally {
      for (AnnalsServer s : servers) {
        s.stop();
      }
      for (PostgresEventStore s : stores) {
        s.close();
      }
    }
  }
}
