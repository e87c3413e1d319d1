package dev.annals.server;

import dev.annals.core.EventHandler;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The open SSE connections. Each {@link Session} is driven by its own store subscription (on the
 * subscription's thread) and its request thread (heartbeats, end of stream); a per-session lock keeps
 * their writes whole. Wire format per event: {@code id: <position or version>} and {@code data: <event
 * JSON>}; after each catch-up an {@code event: caught-up} with {@code {"next": n}}; heartbeats are
 * comment lines; on shutdown a final {@code event: shutdown}, on a failure a final {@code event: error}
 * (best effort: a client that stopped reading cannot receive it). A client whose socket accepts no
 * bytes for the connection's idle timeout is disconnected by the failed write. Thread-safe.
 */
final class SseSessions {

  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
  /** Size of a session's write buffer: written out when full even when more events are coming. */
  private static final int FLUSH_BYTES = 32 * 1024;

  private final Set<Session> open = ConcurrentHashMap.newKeySet();
  private final Duration heartbeat;
  private final ServerMetrics metrics;
  private final LongSupplier head;
  private volatile boolean stopping;

  SseSessions(Duration heartbeat, LongSupplier head, ServerMetrics metrics) {
    this.heartbeat = heartbeat;
    this.head = head;
    this.metrics = metrics;
  }

  int count() {
    return open.size();
  }

  /** The largest distance from the head among subscribers to the global log. */
  long maxLag() {
    long h = head.getAsLong();
    long lag = 0;
    for (Session s : open) {
      if (s.global) {
        lag = Math.max(lag, h - s.lastKey);
      }
    }
    return Math.max(0, lag);
  }

  /** Serves one SSE client until it leaves, fails, or the server stops. Blocks the request's thread. */
  void run(Exchange x, boolean global, long from, SubscriptionsResource.Opener opener) throws InterruptedException {
    if (stopping) {
      throw new HttpError(503, "unavailable", "the server is shutting down");
    }
    Session s = new Session(x, global, from - 1);
    open.add(s);
    try {
      s.serve(opener);
    } finally {
      open.remove(s);
    }
  }

  /** Ends every session with a final {@code shutdown} event and waits for them to finish writing it. */
  void shutdown(Duration patience) throws InterruptedException {
    stopping = true;
    for (Session s : open) {
      s.stop();
    }
    long deadline = System.nanoTime() + patience.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
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
        out.write("data: ".getBytes(StandardCharsets.US_ASCII), 0, 6);
      } else {
        out.write(b);
      }
    }
  }

  private final class Session implements EventHandler {
    private final Exchange x;
    private final boolean global;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
    private final ByteArrayOutputStream json = new ByteArrayOutputStream(8192);
    private OutputStream out;
    private volatile long lastKey;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile boolean stopRequested;
    private volatile Subscription sub;

    Session(Exchange x, boolean global, long lastKey) {
      this.x = x;
      this.global = global;
      this.lastKey = lastKey;
    }

    void serve(SubscriptionsResource.Opener opener) throws InterruptedException {
      // Buffered: events are written in batches and flushed when the subscription has caught up
      // (or the buffer is full), not one socket write per event.
      out = new java.io.BufferedOutputStream(x.startStream("text/event-stream; charset=utf-8"), FLUSH_BYTES);
      Optional<Throwable> failure = Optional.empty();
      try {
        write(("retry: 1000\n: subscribed, next " + (lastKey + 1) + "\n\n").getBytes(StandardCharsets.UTF_8), true);
        sub = opener.open(this);
        if (stopRequested) {
          sub.close();
        }
        while (!sub.awaitStop(heartbeat)) {
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
          write("event: shutdown\ndata: {\"reason\":\"the server is shutting down\"}\n\n"
              .getBytes(StandardCharsets.UTF_8), true);
        } else if (subFailure.isPresent() && !(subFailure.get() instanceof IOException)) {
          writeError(subFailure.get());
        }
      } catch (IOException e) {
        failure = Optional.of(e);
      } catch (RuntimeException e) {
        // e.g. the store refused the subscription: tell the client, which already has a 200
        try {
          writeError(e);
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

    void stop() {
      stopRequested = true;
      Subscription s = sub;
      if (s != null) {
        s.close();
      }
    }

    private void writeError(Throwable t) throws IOException {
      String code = t instanceof dev.annals.core.EventStoreException e ? e.code() : "unavailable";
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (JsonGenerator g = WireJson.generator(b)) {
        Exchange.writeError(g, code, String.valueOf(t.getMessage()), java.util.Map.of());
      }
      write(("event: error\ndata: " + b.toString(StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8), true);
    }

    @Override
    public void onEvent(RecordedEvent e) throws IOException {
      long key = global ? e.position() : e.version();
      json.reset();
      try (JsonGenerator g = WireJson.generator(json)) {
        WireJson.writeEvent(g, e);
      }
      buf.reset();
      buf.write(("id: " + key + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
      writeDataLines(json.toByteArray(), buf);
      buf.write('\n');
      buf.write('\n');
      lock.lock();
      try {
        writeLocked(buf.toByteArray(), false);
      } finally {
        lock.unlock();
      }
      lastKey = key;
      metrics.delivered();
    }

    @Override
    public void onCaughtUp(long next) {
      lock.lock();
      try {
        writeLocked(("event: caught-up\ndata: {\"next\":" + next + "}\n\n").getBytes(StandardCharsets.US_ASCII), true);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        lock.unlock();
      }
    }

    private void write(byte[] bytes, boolean flush) throws IOException {
      lock.lock();
      try {
        writeLocked(bytes, flush);
      } finally {
        lock.unlock();
      }
    }

    private void writeLocked(byte[] bytes, boolean flush) throws IOException {
      out.write(bytes);
      if (flush) {
        out.flush();
      }
      lastWriteNanos = System.nanoTime();
    }
  }
}
