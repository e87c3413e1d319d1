package dev.annals.server.sse;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.server.ServerMetrics;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The open SSE connections. Wire format per event: {@code id: <position or version>} and {@code data:
 * <event JSON>}; after each catch-up an {@code event: caught-up} with {@code {"next": n}}; heartbeats
 * are comment lines; on shutdown a final {@code event: shutdown}, on a failure a final {@code event:
 * error} (best effort: a client that stopped reading cannot receive it). A client whose socket accepts
 * no bytes for the connection's idle timeout is disconnected by the failed write. A {@code /subscribe/all}
 * client that was live and then stays behind the feed's recent events for the slow-subscriber timeout
 * gets a final {@code too_slow} error naming the last event it was sent, and is disconnected.
 *
 * <p>A {@code /subscribe/all} session runs on its request's thread and writes runs of events straight
 * from the {@link SseFeed}'s shared blocks (each event read from the log and encoded once for all
 * sessions; a session behind the feed's bounded buffer reads older blocks from the log), filtering each
 * event by its stream and type, waiting on the feed when it has caught up and writing heartbeats while it waits. A
 * stream session is driven by its own store subscription (on the subscription's thread) and its
 * request thread (heartbeats, end of stream), a per-session lock keeping their writes whole. Each
 * session writes into a buffer flushed when it has caught up or the buffer is full. Thread-safe.
 */
public final class SseSessions {

  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID_FIELD = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHUTDOWN = "event: shutdown\ndata: {\"reason\":\"the server is shutting down\"}\n\n"
      .getBytes(StandardCharsets.UTF_8);
  /** Size of a session's write buffer: written out when full even when more events are coming. */
  private static final int FLUSH_BYTES = 32 * 1024;
  /** Longest wait of an idle {@code /subscribe/all} session before it looks at its stop flag again. */
  private static final long MAX_WAIT_NANOS = 250_000_000L;

  private final Set<Session> open = ConcurrentHashMap.newKeySet();
  private final EventStore store;
  private final SseFeed feed;
  private final Duration heartbeat;
  private final long slowNanos;
  private final ServerMetrics metrics;
  private volatile boolean stopping;

  public SseSessions(Duration heartbeat, Duration slowSubscriberTimeout, EventStore store, ServerMetrics metrics) {
    this.heartbeat = heartbeat;
    this.slowNanos = slowSubscriberTimeout.toNanos();
    this.store = store;
    this.metrics = metrics;
    this.feed = new SseFeed(store, SseFeed.defaultRecentBytes());
  }

  public int count() {
    return open.size();
  }

  /** The largest distance from the head among subscribers to the global log. */
  public long maxLag() {
    long h = store.headPosition();
    long lag = 0;
    for (Session s : open) {
      if (s.global) {
        lag = Math.max(lag, h - s.lastKey);
      }
    }
    return Math.max(0, lag);
  }

  /** Serves one {@code /subscribe/all} client from {@code from} until it leaves, fails, or the server stops. */
  void runAll(Exchange x, long from, Filter filter) throws InterruptedException {
    serve(new AllSession(x, from, filter));
  }

  /** Serves one stream client until it leaves, fails, or the server stops. Blocks the request's thread. */
  void runStream(Exchange x, long from, SubscriptionsResource.Opener opener) throws InterruptedException {
    serve(new StreamSession(x, from, opener));
  }

  private void serve(Session s) throws InterruptedException {
    if (stopping) {
      throw new HttpError(503, "unavailable", "the server is shutting down");
    }
    open.add(s);
    try {
      s.serve();
    } finally {
      open.remove(s);
    }
  }

  /** Ends every session with a final {@code shutdown} event and waits for them to finish writing it. */
  public void shutdown(Duration patience) throws InterruptedException {
    stopping = true;
    for (Session s : open) {
      s.stop();
    }
    long deadline = System.nanoTime() + patience.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    feed.close();
  }

  /**
   * Copies one event's JSON into an SSE message body. Stored JSON may hold raw line breaks as
   * whitespace (pretty-printed data); SSE ends a field at any CR or LF, so each line becomes its own
   * {@code data:} field, which clients join with LF.
   */
  static void writeDataLines(byte[] json, ByteArrayOutputStream out) {
    boolean breaks = false;
    for (byte b : json) {
      if (b == '\r' || b == '\n') {
        breaks = true;
        break;
      }
    }
    if (!breaks) {
      out.write(json, 0, json.length);
      return;
    }
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (b == '\r' || b == '\n') {
        if (b == '\r' && i + 1 < json.length && json[i + 1] == '\n') {
          i++;
        }
        out.write('\n');
        out.write(DATA_FIELD, 0, DATA_FIELD.length);
      } else {
        out.write(b);
      }
    }
  }

  /** What both kinds of session share: the connection, the key reached, and how a stop is asked. */
  private abstract class Session {
    final Exchange x;
    final boolean global;
    final byte[] idLine = new byte[ID_FIELD.length + 21];
    OutputStream out;
    volatile long lastKey;
    volatile long lastWriteNanos = System.nanoTime();
    volatile boolean stopRequested;

    Session(Exchange x, boolean global, long from) {
      this.x = x;
      this.global = global;
      this.lastKey = from - 1;
    }

    abstract void serve() throws InterruptedException;

    /** Asks the session to end with a {@code shutdown} event; returns at once. */
    abstract void stop();

    /**
     * Opens the response; buffered, so events are written in batches and flushed when the session has
     * caught up (or the buffer is full), not one socket write per event.
     */
    void startStream() throws IOException {
      out = new java.io.BufferedOutputStream(x.startStream("text/event-stream; charset=utf-8"), FLUSH_BYTES);
      writeLocked(("retry: 1000\n: subscribed, next " + (lastKey + 1) + "\n\n").getBytes(StandardCharsets.UTF_8),
          true);
    }

    void writeLocked(byte[] bytes, boolean flush) throws IOException {
      out.write(bytes);
      if (flush) {
        out.flush();
      }
      lastWriteNanos = System.nanoTime();
    }

    byte[] errorEvent(Throwable t) throws IOException {
      return errorEvent(t instanceof dev.annals.core.EventStoreException e ? e.code() : "unavailable",
          String.valueOf(t.getMessage()), java.util.Map.of());
    }

    byte[] errorEvent(String code, String message, java.util.Map<String, Object> extra) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (JsonGenerator g = WireJson.generator(b)) {
        Exchange.writeError(g, code, message, extra);
      }
      return ("event: error\ndata: " + b.toString(StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] caughtUp(long next) {
      return ("event: caught-up\ndata: {\"next\":" + next + "}\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Fills {@link #idLine} with {@code id: <key>\n} (key >= 0); returns its length. */
    int idLine(long key) {
      System.arraycopy(ID_FIELD, 0, idLine, 0, ID_FIELD.length);
      int digits = 1;
      for (long v = key; v >= 10; v /= 10) {
        digits++;
      }
      int end = ID_FIELD.length + digits;
      long v = key;
      for (int i = end - 1; i >= ID_FIELD.length; i--) {
        idLine[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      idLine[end] = '\n';
      return end + 1;
    }
  }

  /**
   * A {@code /subscribe/all} client, served entirely on its request's thread: it walks the feed's
   * blocks from its cursor, writes each run of events that pass its filter as one slice, and when it
   * has reached the feed's head says {@code caught-up} (once the store has nothing newer either),
   * flushes, and waits for the feed, writing heartbeats while it waits.
   */
  private final class AllSession extends Session {
    private final Filter filter;
    private final boolean everything;
    private final boolean allButSystem;
    private volatile SseFeed.@Nullable Tail tail;

    AllSession(Exchange x, long from, Filter filter) {
      super(x, true, from);
      this.filter = filter;
      this.everything = filter.isAll() && filter.includeSystem();
      this.allButSystem = filter.isAll() && !filter.includeSystem();
    }

    @Override
    void stop() {
      stopRequested = true;
      SseFeed.Tail t = tail;
      if (t != null) {
        t.wakeAll();
      }
    }

    @Override
    void serve() throws InterruptedException {
      Optional<Throwable> failure = Optional.empty();
      boolean acquired = false;
      try {
        startStream();
        SseFeed.Tail t = feed.acquire();
        tail = t;
        acquired = true;
        long cursor = lastKey + 1;
        boolean sayCaughtUp = true;
        boolean wasLive = false;
        long behindSince = 0;
        while (!stopRequested && !t.stopped()) {
          long head = t.head();
          if (cursor <= head) {
            if (wasLive) {
              // too slow for too long: live once, then behind the recent events for slowNanos
              if (t.recent(cursor) != null) {
                behindSince = 0;
              } else if (behindSince == 0) {
                behindSince = System.nanoTime();
              } else if (System.nanoTime() - behindSince > slowNanos) {
                writeLocked(errorEvent("too_slow", "this client read more slowly than events were appended and stayed"
                    + " behind the server's recent events for over " + slowNanos / 1_000_000 + " ms; reconnect with"
                    + " Last-Event-ID to go on from event " + (cursor - 1), java.util.Map.of("lastEventId", cursor - 1)),
                    true);
                return;
              }
            }
            long next = writeBlock(feed.block(t, cursor), cursor);
            if (next <= cursor) {
              throw new IllegalStateException("the log did not return position " + cursor + " (head " + head + ")");
            }
            cursor = next;
            lastKey = cursor - 1;
            sayCaughtUp = true;
            continue;
          }
          wasLive = true;
          behindSince = 0;
          if (sayCaughtUp && cursor > store.headPosition()) {
            writeLocked(caughtUp(cursor), true);
            sayCaughtUp = false;
          } else {
            out.flush();
          }
          long quiet = System.nanoTime() - lastWriteNanos;
          if (quiet >= heartbeat.toNanos()) {
            writeLocked(HEARTBEAT, true);
            quiet = 0;
          }
          // bounded, so a stop asked just before this wait is seen soon without a lock
          t.awaitAbove(head, Math.min(MAX_WAIT_NANOS, heartbeat.toNanos() - quiet));
        }
        if (stopRequested) {
          writeLocked(SHUTDOWN, true);
        } else if (t.failure().isPresent()) {
          writeLocked(errorEvent(t.failure().get()), true);
        }
      } catch (IOException e) {
        failure = Optional.of(e);
      } catch (RuntimeException e) {
        // e.g. the store refused a read: tell the client, which already has a 200
        try {
          writeLocked(errorEvent(e), true);
        } catch (IOException ignored) {
          failure = Optional.of(ignored);
        }
      } finally {
        if (acquired) {
          feed.release();
        }
        x.finishStream(out, failure);
      }
    }

    /**
     * Writes the events of {@code b} from {@code cursor} on that pass the filter, whole runs as one
     * slice; returns the next cursor (past every position the block covers now).
     */
    private long writeBlock(SseFeed.Block b, long cursor) throws IOException {
      long last = b.last;
      int count = b.count();
      byte[] bytes = b.bytes;
      int i = b.indexOf(cursor, count);
      if (i < count) {
        if (b.omitted == 0 && (everything || allButSystem && b.system == 0)) {
          int from = b.start(i);
          out.write(bytes, from, b.ends[count - 1] - from);
          metrics.delivered(count - i);
        } else {
          writeFiltered(b, bytes, i, count);
        }
        last = Math.max(last, b.positions[count - 1]);
      }
      lastWriteNanos = System.nanoTime();
      return Math.max(cursor, last + 1);
    }

    private void writeFiltered(SseFeed.Block b, byte[] bytes, int i, int count) throws IOException {
      int runFrom = -1;
      int delivered = 0;
      for (int j = i; j < count; j++) {
        boolean match = filter.matches(b.streams[j], b.types[j]);
        if (match && b.kept(j)) {
          if (runFrom < 0) {
            runFrom = b.start(j);
          }
          delivered++;
          continue;
        }
        if (runFrom >= 0) {
          out.write(bytes, runFrom, b.start(j) - runFrom);
          runFrom = -1;
        }
        if (match) {
          out.write(feed.readMessage(b.positions[j]));
          delivered++;
        }
      }
      if (runFrom >= 0) {
        out.write(bytes, runFrom, b.ends[count - 1] - runFrom);
      }
      metrics.delivered(delivered);
    }
  }

  /**
   * A stream client: its own store subscription (ids are versions) delivers on the subscription's
   * thread; the request thread sends heartbeats and the final event. The lock keeps writes whole.
   */
  private final class StreamSession extends Session implements EventHandler {
    private final SubscriptionsResource.Opener opener;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Subscription sub;

    StreamSession(Exchange x, long from, SubscriptionsResource.Opener opener) {
      super(x, false, from);
      this.opener = opener;
    }

    @Override
    void serve() throws InterruptedException {
      Optional<Throwable> failure = Optional.empty();
      try {
        startStream(); // before the subscription exists: nothing else writes yet
        sub = opener.open(this);
        if (stopRequested) {
          sub.close();
        }
        // wake when the quiet reaches the interval (not a whole interval after the last check), so no gap
        // between writes grows past one heartbeat interval plus scheduling
        while (!sub.awaitStop(Duration.ofNanos(Math.max(1_000_000L,
            heartbeat.toNanos() - (System.nanoTime() - lastWriteNanos))))) {
          if (System.nanoTime() - lastWriteNanos >= heartbeat.toNanos() && lock.tryLock()) {
            try {
              writeLocked(HEARTBEAT, true);
            } finally {
              lock.unlock();
            }
          }
        }
        Optional<Throwable> subFailure = sub.failure();
        if (stopRequested) {
          write(SHUTDOWN);
        } else if (subFailure.isPresent() && !(subFailure.get() instanceof IOException)) {
          write(errorEvent(subFailure.get()));
        }
      } catch (IOException e) {
        failure = Optional.of(e);
      } catch (RuntimeException e) {
        // e.g. the store refused the subscription: tell the client, which already has a 200
        try {
          write(errorEvent(e));
        } catch (IOException ignored) {
          failure = Optional.of(ignored);
        }
      } finally {
        Subscription s = sub;
        if (s != null) {
          s.close();
        }
        x.finishStream(out, failure);
      }
    }

    @Override
    void stop() {
      stopRequested = true;
      Subscription s = sub;
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void onEvent(RecordedEvent e) throws IOException {
      byte[] message = feed.dataMessage(e);
      lock.lock();
      try {
        out.write(idLine, 0, idLine(e.version()));
        writeLocked(message, false);
      } finally {
        lock.unlock();
      }
      lastKey = e.version();
      metrics.delivered(1);
    }

    @Override
    public void onCaughtUp(long next) {
      try {
        write(caughtUp(next));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Writes and flushes {@code bytes} under the lock. */
    private void write(byte[] bytes) throws IOException {
      lock.lock();
      try {
        writeLocked(bytes, true);
      } finally {
        lock.unlock();
      }
    }
  }
}
