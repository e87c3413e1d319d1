package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * {@code pg-live-delivery}: this JVM appends single events of 256 B at 1,000 appends/s (paced, open
 * loop, {@value #SENDERS} sender threads) while a subscriber in another JVM ({@link PgLiveListener})
 * receives them; the latency is from just before the append call to the delivery in the other process,
 * on the wall clock both read (microseconds carried in the event's data). Baseline on the same server,
 * same run: at the same rate, a plain INSERT + pg_notify + COMMIT, and a plain LISTEN in another JVM.
 * Target (issue 19): p99 at most 20 ms.
 */
final class PgLiveDelivery extends PgWorkload {

  /** Enough that the rate holds while appends take up to 16 ms each (the engine groups what comes together). */
  private static final int SENDERS = 16;
  private static final String STORE = PgAppendConcurrent.STORE + "(live, other JVM)";
  private static final String BASELINE = "raw-insert-notify-listen";


  PgLiveDelivery() {
    this(PgSizes::of);
  }

  PgLiveDelivery(Function<BenchEnv, PgSizes> sizes) {
    super(sizes);
  }

  @Override
  String store() {
    return STORE;
  }

  @Override
  public String name() {
    return "pg-live-delivery";
  }

  @Override
  BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception {
    String db = server.createDatabase();
    String jdbc = server.jdbcUrl(db);
    String url = server.url(db).toString();
    Path dir = env.newDir("pg-live");
    int warm = size.liveWarmUp();
    int measured = size.liveEvents();
    int rate = size.liveRate();
    long patience = 60 + 2L * (warm + measured) / rate;

    env.progress("baseline: INSERT + pg_notify + COMMIT at " + rate + "/s, LISTEN in another JVM");
    PacedSender.Outcome rawSent;
    PgListenerProcess.Received rawGot;
    new RawPgWrites(jdbc); // the table
    List<Connection> connections = new ArrayList<>();
    try (PgListenerProcess listener = new PgListenerProcess(dir, "raw", jdbc, warm, measured, patience)) {
      List<PreparedStatement> sends = new ArrayList<>();
      for (int t = 0; t < SENDERS; t++) {
        Connection c = DriverManager.getConnection(jdbc);
        c.setAutoCommit(false);
        connections.add(c);
        sends.add(c.prepareStatement("WITH row AS (INSERT INTO " + RawPgWrites.TABLE
            + " (stream, event_id, type, data, metadata) VALUES (?, ?, 'Bench', ?, '{}') RETURNING position)"
            + " SELECT pg_notify('" + PgLiveListener.CHANNEL + "', ?) FROM row"));
      }
      rawSent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        long sentUs = PacedSender.wallMicros();
        PreparedStatement s = sends.get(thread);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        s.setString(1, "live-" + seq % 100);
        s.setObject(2, new UUID(rnd.nextLong(), rnd.nextLong()));
        s.setBytes(3, payload(sentUs));
        s.setString(4, seq + " " + sentUs);
        s.executeQuery().close();
        connections.get(thread).commit();
      });
      rawGot = listener.result(patience);
    } finally {
      for (Connection c : connections) {
        close(c);
      }
    }

    env.progress("engine: " + rate + " appends/s, a subscriber in another JVM");
    PacedSender.Outcome sent;
    PgListenerProcess.Received got;
    try (PostgresEventStore store = PostgresEventStore.open(url);
        PgListenerProcess listener = new PgListenerProcess(dir, "store", url, warm, measured, patience)) {
      sent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        long sentUs = PacedSender.wallMicros();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        store.append("live-" + seq % 100, ExpectedVersion.ANY, List.of(new EventData(new UUID(rnd.nextLong(),
            rnd.nextLong()), "Bench", Json.trusted(payload(sentUs)), Json.EMPTY_OBJECT, Optional.empty())));
      });
      got = listener.result(patience);
    }
    PgTargets targets = PgTargets.none().p99AtMostMs(got.p99Us(), 20);
    String note = String.format(Locale.ROOT,
        "%d single-event appends of %d B at %d/s from %d threads (after %d warm-up), %d started over 1 ms late;"
            + " latency = append call to delivery in another JVM (wall clock), max %.1f ms; the append call itself"
            + " p50 %.1f ms, p99 %.1f ms; baseline: INSERT + pg_notify + COMMIT at the same rate, LISTEN in another"
            + " JVM: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %s%s",
        measured, LogBench.EVENT_BYTES, rate, SENDERS, warm, sent.late(), got.maxUs() / 1e3,
        sent.calls().percentileUs(50) / 1e3, sent.calls().percentileUs(99) / 1e3, rawGot.p50Us() / 1e3,
        rawGot.p99Us() / 1e3, rawGot.maxUs() / 1e3, targets.text(), size.suffix(env));
    return new BenchResult(name(), STORE, sent.perSecond(), got.p50Us(), got.p99Us(), BASELINE, rawSent.perSecond(),
        note);
  }

  /** 256 bytes of JSON data carrying the sender's wall clock: {@code {"sentUs":N,"v":"xx..."}}. */
  static byte[] payload(long sentUs) {
    StringBuilder sb = new StringBuilder("{\"sentUs\":").append(sentUs).append(",\"v\":\"");
    while (sb.length() < LogBench.EVENT_BYTES - 2) {
      sb.append('x');
    }
    return sb.append("\"}").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing after the run: nothing left to lose
    }
  }
}
