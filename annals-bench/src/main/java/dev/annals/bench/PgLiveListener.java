package dev.annals.bench;

import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.postgres.PostgresEventStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The other process of {@code pg-live-delivery}: a small JVM that {@link PgLiveDelivery} starts, which
 * receives the events the bench appends and measures, for each, the wall clock now minus the wall
 * clock the sender wrote into it just before its append call (microseconds; both processes read the
 * same machine clock). It speaks on stdout in lines starting with {@value #PREFIX} (anything else there,
 * a library's logging, is not for the parent):
 *
 * <pre>
 * annals-live ready                                    subscribed; the parent may start sending
 * annals-live result received=N p50us=.. p99us=.. maxus=..   every event came, once, in order
 * annals-live error &lt;what went wrong&gt;
 * </pre>
 *
 * <p>Arguments: {@code store URL WARMUP MEASURED SECONDS} subscribes to the store at {@code URL} live
 * (events carry {@code "sentUs":N} in their data, and must come at consecutive positions);
 * {@code raw JDBC-URL WARMUP MEASURED SECONDS} LISTENs on {@value #CHANNEL} (payloads are
 * {@code "seq sentUs"}; each seq from 0 must come once, in commit order, which is not seq order when
 * several connections send). The first WARMUP do not count; after SECONDS it gives up.
 */
public final class PgLiveListener {

  static final String PREFIX = "annals-live ";
  static final String CHANNEL = "annals_bench_live";
  private static final byte[] SENT_KEY = "\"sentUs\":".getBytes(StandardCharsets.US_ASCII);

  private PgLiveListener() {}

  public static void main(String[] args) {
    int code;
    try {
      if (args.length != 5) {
        throw new IllegalArgumentException("usage: store|raw URL WARMUP MEASURED SECONDS");
      }
      int warmUp = Integer.parseInt(args[2]);
      int measured = Integer.parseInt(args[3]);
      long seconds = Long.parseLong(args[4]);
      Latencies lat = switch (args[0]) {
        case "store" -> fromStore(args[1], warmUp, measured, seconds);
        case "raw" -> fromListen(args[1], warmUp, measured, seconds);
        default -> throw new IllegalArgumentException("mode is store or raw, not " + args[0]);
      };
      say(String.format(Locale.ROOT, "result received=%d p50us=%.1f p99us=%.1f maxus=%.1f", warmUp + measured,
          lat.percentileUs(50), lat.percentileUs(99), lat.percentileUs(100)));
      code = 0;
    } catch (Exception | Error e) {
      say("error " + e.toString().replace('\n', ' '));
      code = 1;
    }
    System.exit(code); // the store's and the driver's threads must not keep the JVM up
  }

  private static void say(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }

  private static Latencies fromStore(String url, int warmUp, int measured, long seconds) throws Exception {
    Latencies lat = new Latencies();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<@Nullable String> wrong = new AtomicReference<>();
    int total = warmUp + measured;
    try (PostgresEventStore store = PostgresEventStore.open(url)) {
      long first = store.headPosition() + 1;
      long[] next = {first};
      try (Subscription sub = store.subscribeToAll(first, Filter.all(), e -> {
        long now = PacedSender.wallMicros();
        if (e.position() != next[0]) {
          wrong.compareAndSet(null, "delivered position " + e.position() + " where " + next[0] + " was due");
          done.countDown();
          return;
        }
        long seq = next[0]++ - first;
        if (seq >= warmUp) {
          lat.record((now - sentMicros(e)) * 1_000);
        }
        if (seq + 1 == total) {
          done.countDown();
        }
      })) {
        say("ready");
        if (!done.await(seconds, TimeUnit.SECONDS)) {
          throw new IllegalStateException("received " + (next[0] - first) + " of " + total + " events in " + seconds + " s");
        }
      }
    }
    if (wrong.get() != null) {
      throw new IllegalStateException(wrong.get());
    }
    return lat;
  }

  private static Latencies fromListen(String jdbcUrl, int warmUp, int measured, long seconds) throws Exception {
    Latencies lat = new Latencies();
    int total = warmUp + measured;
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
      PGConnection pg = c.unwrap(PGConnection.class);
      say("ready");
      BitSet seen = new BitSet(total);
      int received = 0;
      while (received < total) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("received " + received + " of " + total + " notifications in " + seconds + " s");
        }
        PGNotification[] got = pg.getNotifications(500);
        long now = PacedSender.wallMicros();
        for (PGNotification n : got == null ? new PGNotification[0] : got) {
          String[] parts = n.getParameter().split(" ");
          int seq = Integer.parseInt(parts[0]);
          if (seq < 0 || seq >= total || seen.get(seq)) {
            throw new IllegalStateException("notification " + seq + " came twice or was never sent");
          }
          seen.set(seq);
          if (seq >= warmUp) {
            lat.record((now - Long.parseLong(parts[1])) * 1_000);
          }
          received++;
        }
      }
    }
    return lat;
  }

  /** The {@code "sentUs":N} the sender wrote into the event's data. */
  static long sentMicros(RecordedEvent e) {
    byte[] data = e.data().unsafeBytes();
    int at = indexOf(data, SENT_KEY);
    if (at < 0) {
      throw new IllegalStateException("event " + e.position() + " carries no \"sentUs\"");
    }
    long v = 0;
    for (int i = at + SENT_KEY.length; i < data.length && data[i] >= '0' && data[i] <= '9'; i++) {
      v = v * 10 + (data[i] - '0');
    }
    return v;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
