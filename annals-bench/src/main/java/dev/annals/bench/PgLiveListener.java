package dev.annals.bench;

import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.postgres.PostgresEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The other process of {@code pg-live-delivery}: a small JVM that {@link PgLiveDelivery} starts, which
 * receives the events the bench appends and notes, for each, the wall clock (microseconds since the epoch;
 * both processes read the same machine clock) at which it was in its hands. Every event carries its send
 * number ({@code "seq":N}) in its data. It writes the delivery times to a file, one line per send number
 * from 0 ({@code seq deliveredUs}), and speaks on stdout in lines starting with {@value #PREFIX} (anything
 * else there, a library's logging, is not for the parent):
 *
 * <pre>
 * annals-live ready                 subscribed; the parent may start sending
 * annals-live result received=N     every event came, once (in order, for the store); times in the file
 * annals-live error &lt;what went wrong&gt;
 * </pre>
 *
 * <p>Arguments: {@code store URL TOTAL SECONDS FILE} subscribes to the store at {@code URL} live (events
 * must come at consecutive positions); {@code raw JDBC-URL TOTAL SECONDS FILE} LISTENs on {@value #CHANNEL},
 * whose payloads are the positions of new rows of {@link RawPgWrites#TABLE}, and SELECTs those rows
 * (their {@code data}) on each notification, as a plain LISTEN/NOTIFY subscriber does. After SECONDS it
 * gives up.
 */
public final class PgLiveListener {

  static final String PREFIX = "annals-live ";
  static final String CHANNEL = "annals_bench_live";
  private static final byte[] SEQ_KEY = "\"seq\":".getBytes(StandardCharsets.US_ASCII);

  private PgLiveListener() {}

  public static void main(String[] args) {
    int code;
    try {
      if (args.length != 5) {
        throw new IllegalArgumentException("usage: store|raw URL TOTAL SECONDS FILE");
      }
      int total = Integer.parseInt(args[2]);
      long seconds = Long.parseLong(args[3]);
      long[] delivered = switch (args[0]) {
        case "store" -> fromStore(args[1], total, seconds);
        case "raw" -> fromListen(args[1], total, seconds);
        default -> throw new IllegalArgumentException("mode is store or raw, not " + args[0]);
      };
      write(Path.of(args[4]), delivered);
      say("result received=" + total);
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

  private static long[] fromStore(String url, int total, long seconds) throws Exception {
    long[] delivered = new long[total];
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<@Nullable String> wrong = new AtomicReference<>();
    try (PostgresEventStore store = PostgresEventStore.open(url)) {
      long first = store.headPosition() + 1;
      long[] next = {first};
      try (Subscription sub = store.subscribeToAll(first, Filter.all(), e -> {
        long now = PacedSender.wallMicros();
        String problem = e.position() != next[0]
            ? "delivered position " + e.position() + " where " + next[0] + " was due"
            : record(delivered, seqOf(e.data().unsafeBytes()), now);
        if (problem != null) {
          wrong.compareAndSet(null, problem);
          done.countDown();
          return;
        }
        if (++next[0] - first == total) {
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
    return delivered;
  }

  private static long[] fromListen(String jdbcUrl, int total, long seconds) throws Exception {
    long[] delivered = new long[total];
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    try (Connection listen = DriverManager.getConnection(jdbcUrl); Statement s = listen.createStatement();
        Connection read = DriverManager.getConnection(jdbcUrl);
        PreparedStatement rows = read.prepareStatement("SELECT data FROM " + RawPgWrites.TABLE
            + " WHERE position = ANY(?)")) {
      s.execute("LISTEN " + CHANNEL);
      PGConnection pg = listen.unwrap(PGConnection.class);
      say("ready");
      int received = 0;
      while (received < total) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("received " + received + " of " + total + " rows in " + seconds + " s");
        }
        PGNotification[] got = pg.getNotifications(500);
        if (got == null || got.length == 0) {
          continue;
        }
        Long[] positions = new Long[got.length];
        for (int i = 0; i < got.length; i++) {
          positions[i] = Long.parseLong(got[i].getParameter());
        }
        Array array = read.createArrayOf("bigint", positions);
        rows.setArray(1, array);
        int n = 0;
        try (ResultSet rs = rows.executeQuery()) {
          while (rs.next()) {
            String problem = record(delivered, seqOf(rs.getBytes(1)), PacedSender.wallMicros());
            if (problem != null) {
              throw new IllegalStateException(problem);
            }
            n++;
          }
        }
        if (n != positions.length) {
          throw new IllegalStateException("notified of " + positions.length + " rows, read " + n);
        }
        received += n;
      }
    }
    return delivered;
  }

  /** Notes send {@code seq} delivered at {@code now}; the problem when it came twice or was never sent. */
  private static @Nullable String record(long[] delivered, int seq, long now) {
    if (seq < 0 || seq >= delivered.length || delivered[seq] != 0) {
      return "send " + seq + " came twice or was never sent";
    }
    delivered[seq] = now;
    return null;
  }

  private static void write(Path file, long[] delivered) throws IOException {
    StringBuilder sb = new StringBuilder(delivered.length * 24);
    for (int i = 0; i < delivered.length; i++) {
      sb.append(i).append(' ').append(delivered[i]).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.US_ASCII);
  }

  /** The delivery times a listener wrote, indexed by send number. */
  static long[] read(Path file, int total) throws IOException {
    long[] delivered = new long[total];
    Arrays.fill(delivered, -1);
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      int space = line.indexOf(' ');
      delivered[Integer.parseInt(line.substring(0, space))] = Long.parseLong(line.substring(space + 1));
    }
    return delivered;
  }

  /** The {@code "seq":N} the sender wrote into an event's data; -1 when it carries none. */
  static int seqOf(byte[] data) {
    int at = indexOf(data, SEQ_KEY);
    if (at < 0) {
      return -1;
    }
    int v = 0;
    for (int i = at + SEQ_KEY.length; i < data.length && data[i] >= '0' && data[i] <= '9'; i++) {
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
