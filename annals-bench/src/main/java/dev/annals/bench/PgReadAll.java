package dev.annals.bench;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code pg-read-all}: readAll pages of 10,000 through the whole store ({@link PgReadFixture}, a million
 * events at full size), warm, median of three passes. Baseline on the same rows, same run: plain
 * pgjdbc SELECTs of the same pages, columns taken as bytes ({@link RawPgReads}). Target (issue 19): at
 * least 500,000 events/s.
 */
final class PgReadAll extends PgWorkload {

  static final int PAGE = 10_000;
  private static final String BASELINE = "raw-pgjdbc-select";


  PgReadAll() {
    this(PgSizes::of);
  }

  PgReadAll(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return PgAppendConcurrent.STORE;
  }

  @Override
  public String name() {
    return "pg-read-all";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    int events = size.readEvents();
    String db = PgReadFixture.database(env, server, events);
    RawPgReads raw = new RawPgReads(server.jdbcUrl(db));
    env.progress("reading " + events + " events: a warm-up pass each, then 3 of the engine and 3 raw");
    double[] engine = new double[3];
    double[] base = new double[3];
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString())) {
      readAll(store, events);
      raw.selectAll(PAGE);
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        readAll(store, events);
        engine[i] = (System.nanoTime() - t0) / 1e9;
        base[i] = timedSelect(raw, events);
      }
    }
    Arrays.sort(engine);
    Arrays.sort(base);
    double eps = events / engine[1];
    PgTargets targets = PgTargets.none().rateAtLeast(eps, 500_000);
    String note = String.format(Locale.ROOT,
        "%d events of %d B written in appends of %d, pages of %d, warm, median of 3 passes; baseline: SELECT of the same"
            + " pages, columns as bytes, not decoded; %s%s%s",
        events, LogBench.EVENT_BYTES, PgReadFixture.PER_APPEND, PAGE, targets.text(),
        targets.allMet() ? "" : whereTimeGoes(engine[1], base[1]), size.suffix(env));
    return new BenchResult(name(), PgAppendConcurrent.STORE, eps, Double.NaN, Double.NaN, BASELINE, events / base[1],
        note);
  }

  /** Seconds of one raw pass over the {@code events} rows. */
  static double timedSelect(RawPgReads raw, int events) throws Exception {
    long t0 = System.nanoTime();
    long n = raw.selectAll(PAGE);
    if (n != events) {
      throw new IllegalStateException("the raw SELECT read " + n + " rows, not " + events);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The part of a pass the server and the wire take (the raw SELECT) and the part the engine adds. */
  static String whereTimeGoes(double engineSecs, double rawSecs) {
    return String.format(Locale.ROOT, "; where the time goes: a pass takes %.2f s, the raw SELECT of the same rows"
        + " %.2f s (server, wire, pgjdbc), the engine's own work (building events, checks) the other %.2f s", engineSecs,
        rawSecs, Math.max(0, engineSecs - rawSecs));
  }

  /** Pages through the whole log, checking each position comes once, in order; fails unless it read {@code events}. */
  static void readAll(EventStore store, long events) {
    long from = 1;
    long expected = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, PAGE, Filter.all());
      for (RecordedEvent e : p.events()) {
        if (e.position() != expected) {
          throw new IllegalStateException("readAll gave position " + e.position() + " where " + expected + " was due");
        }
        expected++;
      }
      if (p.end()) {
        break;
      }
      from = p.next();
    }
    if (expected - 1 != events) {
      throw new IllegalStateException("readAll read " + (expected - 1) + " events, not " + events);
    }
  }
}
