package dev.annals.bench;

import dev.annals.core.Filter;
import dev.annals.core.Subscription;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code pg-subscribe-catchup}: subscribeToAll from position 1 over the read rows' store
 * ({@link PgReadFixture}), timed from the call to the last event's delivery, after an unmeasured
 * catch-up on the first 200,000. Baseline on the same rows, same run: the raw pgjdbc SELECT of {@code pg-read-all} (median
 * of 3). Target (issue 19): at least 300,000 events/s.
 */
final class PgSubscribeCatchUp extends PgWorkload {

  private static final String BASELINE = "raw-pgjdbc-select";
  /** Events of the unmeasured first catch-up, enough for the JIT to compile the delivery path. */
  private static final int WARM_UP = 200_000;


  PgSubscribeCatchUp() {
    this(PgSizes::of);
  }

  PgSubscribeCatchUp(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return PgAppendConcurrent.STORE + "(catch-up)";
  }

  @Override
  public String name() {
    return "pg-subscribe-catchup";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    int events = size.readEvents();
    String db = PgReadFixture.database(env, server, events);
    RawPgReads raw = new RawPgReads(server.jdbcUrl(db));
    double secs;
    int warmUp = Math.min(events, WARM_UP);
    env.progress("catching up on " + events + " events, after a warm-up on the first " + warmUp);
    try (PostgresEventStore store = PostgresEventStore.open(server.url(db).toString())) {
      catchUp(store, warmUp);
      secs = catchUp(store, events);
    }
    double[] base = new double[3];
    for (int i = 0; i < 3; i++) {
      base[i] = PgReadAll.timedSelect(raw, events);
    }
    Arrays.sort(base);
    double eps = events / secs;
    PgTargets targets = PgTargets.none().rateAtLeast(eps, 300_000);
    String note = String.format(Locale.ROOT,
        "%d events delivered from position 1 through subscribeToAll (the store of pg-read-all), after a warm-up"
            + " catch-up on the first %d; baseline: the raw SELECT of pg-read-all, median of 3; %s%s%s",
        events, warmUp, targets.text(), targets.allMet() ? "" : PgReadAll.whereTimeGoes(secs, base[1]), size.suffix(env));
    return new BenchResult(name(), PgAppendConcurrent.STORE + "(catch-up)", eps, Double.NaN, Double.NaN, BASELINE,
        events / base[1], note);
  }

  /**
   * Seconds from subscribing at position 1 to the delivery of position {@code events} (then it closes);
   * every position once, in order.
   */
  private static double catchUp(PostgresEventStore store, int events) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    long[] next = {1};
    AtomicReference<@Nullable String> wrong = new AtomicReference<>();
    long t0 = System.nanoTime();
    double secs;
    try (Subscription sub = store.subscribeToAll(1, Filter.all(), e -> {
      if (e.position() != next[0]) {
        wrong.compareAndSet(null, "delivered position " + e.position() + " where " + next[0] + " was due");
        done.countDown();
      }
      if (next[0]++ == events) {
        done.countDown();
      }
    })) {
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("catch-up delivered " + (next[0] - 1) + " of " + events + " events in 10 minutes");
      }
      secs = (System.nanoTime() - t0) / 1e9;
    }
    if (wrong.get() != null) {
      throw new IllegalStateException("catch-up went wrong: " + wrong.get());
    }
    return secs;
  }
}
