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
 * receives them. The latency is from just before the append call to the handler in the other process,
 * on the wall clock both read; it is split into the append call itself and the time from its return
 * to the delivery. Baseline on the same server, same run, same rate: a plain INSERT + pg_notify(position)
 * + COMMIT per event, and in another JVM a plain LISTEN that SELECTs the notified rows.
 * Target (issue 19): p99 at most 20 ms.
 */
final class PgLiveDelivery extends PgWorkload {

  /**
   * Enough that the rate holds while calls take up to 16 ms each (the engine groups what comes together);
   * more would only add contention to the baseline, whose NOTIFYing commits PostgreSQL takes one at a time.
   */
  private static final int SENDERS = 16;
  private static final String STORE = PgAppendConcurrent.STORE + "(live, other JVM)";
  private static final String BASELINE = "raw-insert-notify-listen-select";


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

    env.progress("baseline: INSERT + pg_notify + COMMIT at " + rate + "/s, LISTEN + SELECT in another JVM");
    PacedSender.Outcome rawSent;
    long[] rawGot;
    new RawPgWrites(jdbc); // the table
    List<Connection> connections = new ArrayList<>();
    try (PgListenerProcess listener = new PgListenerProcess(dir, "raw", jdbc, warm + measured, patience)) {
      List<PreparedStatement> sends = new ArrayList<>();
      for (int t = 0; t < SENDERS; t++) {
        Connection c = DriverManager.getConnection(jdbc);
        c.setAutoCommit(false);
        connections.add(c);
        sends.add(c.prepareStatement("WITH row AS (INSERT INTO " + RawPgWrites.TABLE
            + " (stream, event_id, type, data, metadata) VALUES (?, ?, 'Bench', ?, '{}') RETURNING position)"
            + " SELECT pg_notify('" + PgLiveListener.CHANNEL + "', position::text) FROM row"));
      }
      rawSent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        PreparedStatement s = sends.get(thread);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        s.setString(1, "live-" + seq % 100);
        s.setObject(2, new UUID(rnd.nextLong(), rnd.nextLong()));
        s.setBytes(3, payload(seq));
        s.executeQuery().close();
        connections.get(thread).commit();
      });
      rawGot = listener.delivered(patience);
    } finally {
      for (Connection c : connections) {
        close(c);
      }
    }

    env.progress("engine: " + rate + " appends/s, a subscriber in another JVM");
    PacedSender.Outcome sent;
    long[] got;
    try (PostgresEventStore store = PostgresEventStore.open(url);
        PgListenerProcess listener = new PgListenerProcess(dir, "store", url, warm + measured, patience)) {
      sent = PacedSender.run(warm, measured, rate, SENDERS, (seq, thread) -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        store.append("live-" + seq % 100, ExpectedVersion.ANY, List.of(new EventData(new UUID(rnd.nextLong(),
            rnd.nextLong()), "Bench", Json.trusted(payload(seq)), Json.EMPTY_OBJECT, Optional.empty())));
      });
      got = listener.delivered(patience);
    }
    Split engine = Split.of(sent, got, warm);
    Split raw = Split.of(rawSent, rawGot, warm);
    PgTargets targets = PgTargets.none().p99AtMostMs(engine.total().percentileUs(99), 20);
    String note = String.format(Locale.ROOT,
        "%d single-event appends of %d B at %d/s from %d threads (after %d warm-up), %d started over 1 ms late;"
            + " latency = append call to the handler in another JVM (wall clock): %s, of which the append call %s"
            + " and from its return to the handler %s; baseline at the same rate, INSERT + pg_notify + COMMIT per event"
            + " (%d started late), another JVM LISTENs and SELECTs the notified rows: %s, of which the INSERT + COMMIT"
            + " %s and from its return to the row in hand %s; %s%s",
        measured, LogBench.EVENT_BYTES, rate, SENDERS, warm, sent.late(), ms(engine.total()), ms(engine.call()),
        ms(engine.afterCall()), rawSent.late(), ms(raw.total()), ms(raw.call()), ms(raw.afterCall()), targets.text(),
        size.suffix(env));
    return new BenchResult(name(), STORE, sent.perSecond(), engine.total().percentileUs(50),
        engine.total().percentileUs(99), BASELINE, rawSent.perSecond(), note);
  }

  /** Latencies of the measured sends: call start to delivery, the call itself, call return to delivery. */
  record Split(Latencies total, Latencies call, Latencies afterCall) {

    static Split of(PacedSender.Outcome sent, long[] deliveredUs, int warmUp) {
      Split s = new Split(new Latencies(), new Latencies(), new Latencies());
      for (int i = warmUp; i < deliveredUs.length; i++) {
        s.total.record((deliveredUs[i] - sent.startedUs()[i]) * 1_000);
        s.call.record((sent.doneUs()[i] - sent.startedUs()[i]) * 1_000);
        s.afterCall.record((deliveredUs[i] - sent.doneUs()[i]) * 1_000);
      }
      return s;
    }
  }

  /** "p50 5.9 ms, p99 25.6 ms, max 40.1 ms". */
  private static String ms(Latencies l) {
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", l.percentileUs(50) / 1e3,
        l.percentileUs(99) / 1e3, l.percentileUs(100) / 1e3);
  }

  /** 256 bytes of JSON data carrying the send's number: {@code {"seq":N,"v":"xx..."}}. */
  static byte[] payload(int seq) {
    StringBuilder sb = new StringBuilder("{\"seq\":").append(seq).append(",\"v\":\"");
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
