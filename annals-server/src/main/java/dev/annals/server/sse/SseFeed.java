package dev.annals.server.sse;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.annals.core.CommitNotifier;
import dev.annals.core.Direction;
import dev.annals.core.EventHandler;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamNames;
import dev.annals.core.Subscription;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The global log as SSE messages ({@code id: <position>}, {@code data:} lines, blank line), each
 * event read and encoded once for all {@code /subscribe/all} sessions, kept in {@link Block}s of
 * {@link #BLOCK} aligned positions ({@code [k*BLOCK+1, (k+1)*BLOCK]}), so a session writes a run of
 * events as one slice of bytes instead of reading, decoding and encoding them itself.
 *
 * <p>Where blocks come from:
 * <ul>
 *   <li>the <b>tail</b>: one store subscription (all events, system streams included), started by the
 *   first session, fills the newest block as events are committed and wakes waiting sessions. The
 *   recent blocks it filled stay in a bounded ring, the shared buffer: at most {@link #RECENT_SLOTS}
 *   blocks and {@link #defaultRecentBytes()} bytes (64 MiB, or a sixteenth of the heap when that is
 *   smaller), the oldest dropped first;</li>
 *   <li>the <b>log</b>: a session behind the ring (a slow client, or one starting from an old position)
 *   falls back to reading the block from the store; such blocks are kept in a small cache of
 *   {@link #CATCH_UP_SLOTS} (each at most {@link #CATCH_UP_BLOCK_BYTES}) so that sessions catching up
 *   together still read and encode each block once.</li>
 * </ul>
 * An event whose message exceeds {@link #KEPT_MESSAGE_BYTES} is not kept in a block (so a block stays
 * small whatever the events): each session reads it from the store when it gets there.
 *
 * <p>Thread-safety: thread-safe. A block has one writer (the tail thread, or the session that loaded
 * it before publishing it) and publishes each event through a volatile count; readers never lock.
 */
final class SseFeed {

  /** Positions per block (a power of two). */
  static final int BLOCK = 256;
  /** Blocks in the tail's ring at most (a power of two): 262,144 recent positions. */
  static final int RECENT_SLOTS = 1024;
  /** Largest message kept in a block; larger events are read from the store by each session. */
  static final int KEPT_MESSAGE_BYTES = 64 * 1024;
  /** Blocks loaded from the log kept for other sessions catching up over the same positions. */
  static final int CATCH_UP_SLOTS = 64;
  /** A loaded block larger than this is not kept for others (so the cache holds at most 32 MiB). */
  static final int CATCH_UP_BLOCK_BYTES = 512 * 1024;

  private static final byte[] ID_FIELD = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);

  private final EventStore store;
  private final long recentBytes;
  private final AtomicReferenceArray<@Nullable Block> catchUp = new AtomicReferenceArray<>(CATCH_UP_SLOTS);
  private final ReentrantLock tailLock = new ReentrantLock();
  /** Written under tailLock. */
  /** The running tail; null while no session is open. */
  private volatile @Nullable Tail tail;
  /** Guarded by tailLock. */
  private boolean closed;
  private int users;

  SseFeed(EventStore store, long recentBytes) {
    this.store = store;
    this.recentBytes = recentBytes;
  }

  /** 64 MiB, or a sixteenth of the maximum heap when that is smaller. */
  static long defaultRecentBytes() {
    return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);
  }

  /**
   * Registers a session and returns the running tail, starting one (again, after a failure) when
   * there is none. Every call is paired with {@link #release}.
   */
  Tail acquire() {
    tailLock.lock();
    try {
      if (closed) {
        throw new HttpError(503, "unavailable", "the server is shutting down");
      }
      users++;
      Tail t = tail;
      if (t == null || t.stopped()) {
        t = new Tail(store.headPosition());
        tail = t;
        t.start();
      }
      return t;
    } finally {
      tailLock.unlock();
    }
  }

  /** Unregisters a session; the last one out stops the tail, so an idle server reads and keeps nothing. */
  void release() {
    tailLock.lock();
    try {
      if (--users == 0 && tail != null) {
        tail.close();
        tail = null;
      }
    } finally {
      tailLock.unlock();
    }
  }

  /** Stops the tail; sessions still open see it stopped without a failure. */
  void close() {
    tailLock.lock();
    try {
      closed = true;
      if (tail != null) {
        tail.close();
      }
    } finally {
      tailLock.unlock();
    }
  }

  /** Whether a tail is running (for tests). */
  boolean tailRunning() {
    Tail t = tail;
    return t != null && !t.stopped();
  }

  /**
   * The SSE message ({@code data:} lines and blank line, no {@code id:} line) of an event, taken from
   * the tail's ring when it is there, else encoded. For sessions that cannot use whole blocks
   * (stream subscriptions, whose ids are versions).
   */
  byte[] dataMessage(RecordedEvent e) throws IOException {
    Tail t = tail;
    if (t != null) {
      Block b = t.recent(e.position());
      if (b != null) {
        int count = b.count();
        int i = b.indexOf(e.position(), count);
        if (i < count && b.positions[i] == e.position() && b.kept(i)) {
          int from = b.start(i) + idLineLength(e.position());
          return Arrays.copyOfRange(b.bytes, from, b.ends[i]);
        }
      }
    }
    ByteArrayOutputStream m = new ByteArrayOutputStream(512);
    writeData(e, m);
    return m.toByteArray();
  }

  /** The whole message of the event at {@code position}, read from the store (for events not kept). */
  byte[] readMessage(long position) throws IOException {
    Page p = store.readAll(position, Direction.FORWARD, 1, Filter.everything());
    if (p.events().isEmpty() || p.events().getFirst().position() != position) {
      throw new IllegalStateException("the event at position " + position + " no longer reads back");
    }
    ByteArrayOutputStream m = new ByteArrayOutputStream(KEPT_MESSAGE_BYTES * 2);
    writeMessage(p.events().getFirst(), m);
    return m.toByteArray();
  }

  /**
   * The block holding {@code position} (which the tail has passed): from the tail's ring, the catch-up
   * cache, or read from the log now.
   */
  Block block(Tail t, long position) {
    long k = (position - 1) / BLOCK;
    Block b = t.recent(position);
    if (b != null) {
      return b;
    }
    int slot = (int) (k % CATCH_UP_SLOTS);
    b = catchUp.get(slot);
    if (b != null && b.index == k) {
      return b;
    }
    b = load(k);
    if (b.complete() && b.bytes.length <= CATCH_UP_BLOCK_BYTES) {
      catchUp.set(slot, b);
    }
    return b;
  }

  /** Reads block {@code k} from the log and encodes it. */
  private Block load(long k) {
    Block b = new Block(k);
    long end = b.first + BLOCK - 1;
    Page p = store.readAll(b.first, Direction.FORWARD, BLOCK, Filter.everything());
    Scratch scratch = new Scratch();
    try {
      for (RecordedEvent e : p.events()) {
        if (e.position() > end) {
          break;
        }
        b.add(e, scratch);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    b.last = p.end() ? Math.min(end, p.next() - 1) : end;
    b.bytes = Arrays.copyOf(b.bytes, b.size); // not published yet: trimmed to what it holds
    return b;
  }

  /** Writes {@code id: <position>}, the {@code data:} lines and the blank line. */
  static void writeMessage(RecordedEvent e, ByteArrayOutputStream out) throws IOException {
    out.write(ID_FIELD, 0, ID_FIELD.length);
    byte[] digits = Long.toString(e.position()).getBytes(StandardCharsets.US_ASCII);
    out.write(digits, 0, digits.length);
    out.write('\n');
    writeData(e, out);
  }

  private static void writeData(RecordedEvent e, ByteArrayOutputStream out) throws IOException {
    ByteArrayOutputStream json = new ByteArrayOutputStream(512);
    try (JsonGenerator g = WireJson.generator(json)) {
      WireJson.writeEvent(g, e);
    }
    out.write(DATA_FIELD, 0, DATA_FIELD.length);
    SseSessions.writeDataLines(json.toByteArray(), out);
    out.write('\n');
    out.write('\n');
  }

  private static int idLineLength(long position) {
    int digits = 1;
    for (long v = position; v >= 10; v /= 10) {
      digits++;
    }
    return ID_FIELD.length + digits + 1;
  }

  /** A reusable buffer whose bytes can be copied without another copy. Not thread-safe. */
  static final class Scratch extends ByteArrayOutputStream {
    Scratch() {
      super(1024);
    }

    byte[] array() {
      return buf;
    }
  }

  /**
   * Up to {@link #BLOCK} consecutive events of the global log as SSE messages, back to back in
   * {@link #bytes}: event {@code i} is {@code bytes[start(i), ends[i])} (empty when not kept), with its
   * position, stream and type for the sessions' filters. Written by one thread; the volatile
   * {@link #count} publishes each event, {@link #last} the last position covered so far.
   */
  static final class Block {
    final long index;
    final long first;
    byte[] bytes = new byte[16 * 1024];
    int[] ends = new int[32];
    long[] positions = new long[32];
    String[] streams = new String[32];
    String[] types = new String[32];
    /** Bytes used; read only after {@link #count}. */
    int size;
    /** Events not kept (too large) and events of system streams: when both are 0, any run is one slice. */
    int omitted;
    int system;
    private volatile int count;
    /** The last position this block covers so far: every event up to it is published. */
    volatile long last;

    Block(long index) {
      this.index = index;
      this.first = index * BLOCK + 1;
      this.last = first - 1;
    }

    int count() {
      return count;
    }

    boolean complete() {
      return last >= first + BLOCK - 1;
    }

    int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    boolean kept(int i) {
      return ends[i] > start(i);
    }

    /** The first index in {@code [0, count)} whose position is at least {@code position}. */
    int indexOf(long position, int count) {
      int lo = 0;
      int hi = count;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (positions[mid] < position) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** Appends one event and publishes it (the writer only). */
    void add(RecordedEvent e, Scratch scratch) throws IOException {
      scratch.reset();
      writeMessage(e, scratch);
      int n = count;
      if (n == ends.length) {
        int cap = Math.min(BLOCK, n * 2);
        ends = Arrays.copyOf(ends, cap);
        positions = Arrays.copyOf(positions, cap);
        streams = Arrays.copyOf(streams, cap);
        types = Arrays.copyOf(types, cap);
      }
      boolean keep = scratch.size() <= KEPT_MESSAGE_BYTES;
      if (keep) {
        if (size + scratch.size() > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + scratch.size()));
        }
        System.arraycopy(scratch.array(), 0, bytes, size, scratch.size());
        size += scratch.size();
      } else {
        omitted++;
      }
      if (StreamNames.isSystem(e.stream())) {
        system++;
      }
      ends[n] = size;
      positions[n] = e.position();
      streams[n] = e.stream();
      types[n] = e.type();
      count = n + 1;
      last = e.position();
    }
  }

  /**
   * The one store subscription that fills the newest blocks. Sessions wait on its {@link #moved}
   * notifier and read up to its {@link #head()}. Its ring and byte count have one writer: the
   * subscription's thread.
   */
  final class Tail implements EventHandler {
    private final AtomicReferenceArray<@Nullable Block> ring = new AtomicReferenceArray<>(RECENT_SLOTS);
    private final CommitNotifier moved;
    private final long firstIndex;
    private final Scratch scratch = new Scratch();
    private volatile long head;
    private volatile boolean stopped;
    private volatile @Nullable Throwable failure;
    /** Null until {@link #start()}. */
    private @Nullable Subscription sub;
    /** The block being filled; null before the first event. */
    private @Nullable Block current;
    private long oldest;
    private long keptBytes;
    private int sinceWake;

    /** Starts at the block holding {@code storeHead + 1}, so every block it fills is whole. */
    private Tail(long storeHead) {
      this.firstIndex = storeHead / BLOCK;
      this.head = firstIndex * BLOCK;
      this.oldest = firstIndex;
      this.moved = new CommitNotifier(head);
    }

    private void start() {
      Subscription s = store.subscribeToAll(firstIndex * BLOCK + 1, Filter.everything(), this);
      sub = s;
      Thread.ofVirtual().name("annals-sse-tail-watch").start(() -> {
        try {
          while (!s.awaitStop(Duration.ofDays(1))) {
            // wait for the subscription to stop
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        failure = s.failure().orElse(null);
        stopped = true;
        moved.wakeAll();
      });
    }

    private void close() {
      Subscription s = sub;
      if (s != null) {
        s.close();
      }
    }

    /** The last position encoded: sessions read up to here. */
    long head() {
      return head;
    }

    boolean stopped() {
      return stopped;
    }

    Optional<Throwable> failure() {
      return Optional.ofNullable(failure);
    }

    /** Waits until the head passes {@code seen}, the tail stops, or the timeout passes. */
    void awaitAbove(long seen, long nanos) throws InterruptedException {
      moved.awaitAbove(seen, nanos, TimeUnit.NANOSECONDS);
    }

    /** Wakes every waiting session (to see a stop request). */
    void wakeAll() {
      moved.wakeAll();
    }

    /** The ring's block holding {@code position}, or null when it is not (or no longer) there. */
    @Nullable Block recent(long position) {
      long k = (position - 1) / BLOCK;
      Block b = ring.get((int) (k & (RECENT_SLOTS - 1)));
      return b != null && b.index == k && b.last >= position ? b : null;
    }

    @Override
    public void onEvent(RecordedEvent e) throws IOException {
      long k = (e.position() - 1) / BLOCK;
      if (current == null || current.index != k) {
        if (current != null) {
          current.last = current.first + BLOCK - 1; // sealed: the next event is past its range
          keptBytes += current.bytes.length;
        }
        current = new Block(k);
        while (oldest < k && (k - oldest >= RECENT_SLOTS || keptBytes > recentBytes)) {
          int slot = (int) (oldest & (RECENT_SLOTS - 1));
          Block old = ring.get(slot);
          if (old != null && old.index == oldest) {
            keptBytes -= old.bytes.length;
            ring.set(slot, null);
          }
          oldest++;
        }
        ring.set((int) (k & (RECENT_SLOTS - 1)), current);
      }
      current.add(e, scratch);
      head = e.position();
      if (++sinceWake == BLOCK) {
        moved.advance(head); // a long catch-up of the tail still feeds the waiting sessions
      }
    }

    @Override
    public void onCaughtUp(long next) {
      sinceWake = 0;
      moved.advance(head);
    }
  }

  /** For tests: the blocks the tail's ring holds now. */
  List<Long> recentBlocks() {
    Tail t = tail;
    if (t == null) {
      return List.of();
    }
    java.util.ArrayList<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < RECENT_SLOTS; i++) {
      Block b = t.ring.get(i);
      if (b != null) {
        out.add(b.index);
      }
    }
    out.sort(null);
    return out;
  }
}
