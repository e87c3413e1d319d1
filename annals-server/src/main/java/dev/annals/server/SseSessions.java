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
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * bytes for the connection's idle timeout is disconnected by the failed write. An event's JSON is
 * encoded once for all sessions ({@link #message}); each session writes into a buffer flushed when
 * its subscription has caught up or the buffer is full. Thread-safe.
 */
final class SseSessions {

  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID_FIELD = "id: ".getBytes(StandardCharsets.US_ASCII);
  /**
   * Slots of the encoded-event cache (a power of two): recent positions, shared by all sessions; wide
   * enough for subscribers catching up at different speeds. Only messages up to {@link
   * #ENCODED_MAX_BYTES} are kept, so the cache holds at most 16 MiB.
   */
  private static final int ENCODED_SLOTS = 16384;
  private static final int ENCODED_MAX_BYTES = 1024;
  /** Size of a session's write buffer: written out when full even when more events are coming. */
  private static final int FLUSH_BYTES = 32 * 1024;

  private final Set<Session> open = ConcurrentHashMap.newKeySet();
  private final AtomicReferenceArray<Encoded> encoded = new AtomicReferenceArray<>(ENCODED_SLOTS);
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

  /** An event's SSE message after its {@code id} line: {@code data:} lines and the blank line. */
  private record Encoded(long position, byte[] message) {}

  /**
   * The {@code data:} part of an event's SSE message, encoded once per event for all sessions: the
   * subscribers of a busy server read the same recent events, and the JSON of the event at a position
   * never changes. A slot holds the last position that hashed to it; a miss (or a race between two
   * sessions) only encodes again. Large messages are not kept (encoding is a small part of their cost).
   */
  byte[] message(RecordedEvent e) throws IOException {
    int slot = (int) (e.position() & (ENCODED_SLOTS - 1));
    Encoded cached = encoded.get(slot);
    if (cached != null && cached.position() == e.position()) {
      return cached.message();
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream(512);
    try (JsonGenerator g = WireJson.generator(json)) {
      WireJson.writeEvent(g, e);
    }
    ByteArrayOutputStream m = new ByteArrayOutputStream(json.size() + 16);
    m.write(DATA_FIELD, 0, DATA_FIELD.length);
    writeDataLines(json.toByteArray(), m);
    m.write('\n');
    m.write('\n');
    byte[] message = m.toByteArray();
    if (message.length <= ENCODED_MAX_BYTES) {
      encoded.set(slot, new Encoded(e.position(), message));
    }
    return message;
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

  private final class Session implements EventHandler {
    private final Exchange x;
    private final boolean global;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] idLine = new byte[ID_FIELD.length + 21];
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
      byte[] message = message(e);
      lock.lock();
      try {
        out.write(idLine, 0, idLine(key));
        writeLocked(message, false);
      } finally {
        lock.unlock();
      }
      lastKey = key;
      metrics.delivered();
    }

    /** Fills {@link #idLine} with {@code id: <key>\n} (key >= 0); returns its length. */
    private int idLine(long key) {
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
