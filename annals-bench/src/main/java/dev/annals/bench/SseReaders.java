package dev.annals.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lean SSE subscribers for the benchmarks: one thread reads {@code subscribers} HTTP/1.1 event
 * streams ({@code GET path}) over one selector, undoes the chunked framing, and checks every
 * {@code id:} line: each must be one more than the one before (no gap, no duplicate) starting at
 * {@code firstId}. It does not decode the event JSON, so the rate it sees is the server's delivery
 * rate, not a client's parsing rate. Not thread-safe: one run at a time.
 */
final class SseReaders {

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private final InetSocketAddress server;
  private final int subscribers;

  SseReaders(InetSocketAddress server, int subscribers) {
    this.server = server;
    this.subscribers = subscribers;
  }

  /**
   * Subscribes all and, once every stream has its response head (the server has taken the
   * subscription), runs {@code whenSubscribed}; then reads until each has seen exactly {@code events}
   * events with ids {@code firstId, firstId+1, ...}. Returns the seconds from just before {@code
   * whenSubscribed} ran to the last stream's last event.
   */
  double readAll(String path, long firstId, long events, long timeoutMillis, Runnable whenSubscribed)
      throws IOException {
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    try (Selector selector = Selector.open()) {
      List<Reader> readers = new ArrayList<>();
      try {
        long start = System.nanoTime();
        for (int i = 0; i < subscribers; i++) {
          SocketChannel ch = SocketChannel.open(server);
          ByteBuffer out = ByteBuffer.wrap(request);
          while (out.hasRemaining()) {
            ch.write(out);
          }
          ch.configureBlocking(false);
          Reader r = new Reader(ch, firstId);
          readers.add(r);
          ch.register(selector, SelectionKey.OP_READ, r);
        }
        long deadline = start + timeoutMillis * 1_000_000;
        int open = readers.size();
        int waitingForHead = readers.size();
        boolean started = false;
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (open > 0) {
          if (System.nanoTime() > deadline) {
            throw new IOException("timed out; events seen per subscriber: "
                + readers.stream().map(r -> r.seen).toList());
          }
          if (!started && waitingForHead == 0) {
            started = true;
            start = System.nanoTime();
            whenSubscribed.run();
          }
          selector.select(1000);
          for (SelectionKey k : selector.selectedKeys()) {
            Reader r = (Reader) k.attachment();
            buf.clear();
            if (r.ch.read(buf) < 0) {
              throw new IOException("the server closed a stream after " + r.seen + " events");
            }
            buf.flip();
            boolean hadHead = r.hasHead();
            r.feed(buf);
            if (!hadHead && r.hasHead()) {
              waitingForHead--;
            }
            if (r.seen > events) {
              throw new IOException("a stream delivered more than the " + events + " events appended");
            }
            if (r.seen == events) {
              k.cancel();
              r.ch.close();
              open--;
            }
          }
          selector.selectedKeys().clear();
        }
        return (System.nanoTime() - start) / 1e9;
      } finally {
        for (Reader r : readers) {
          r.ch.close();
        }
      }
    }
  }

  /** One stream: response head, then chunk framing, then SSE lines. */
  static final class Reader {
    private enum State { HEAD, SIZE, DATA, DATA_END }

    final SocketChannel ch;
    long seen;
    private long nextId;
    private State state = State.HEAD;
    private final StringBuilder head = new StringBuilder();
    private long chunkLeft;
    private int size;
    private static final int START = 0;
    private static final int SAW_I = 1;
    private static final int SAW_ID = 2;
    private static final int IN_ID = 3;
    private static final int OTHER = 4;
    private int line = START;
    private long id;

    Reader(SocketChannel ch, long firstId) {
      this.ch = ch;
      this.nextId = firstId;
    }

    boolean hasHead() {
      return state != State.HEAD;
    }

    void feed(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        switch (state) {
          case HEAD -> {
            head.append((char) (b.get() & 0xff));
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
              String h = head.toString();
              if (!h.startsWith("HTTP/1.1 200 ") || !h.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                throw new IOException("not a chunked 200 event stream: " + h);
              }
              state = State.SIZE;
            }
          }
          case SIZE -> {
            byte c = b.get();
            if (c == '\n') {
              if (size == 0) {
                throw new IOException("the event stream ended after " + seen + " events");
              }
              chunkLeft = size;
              size = 0;
              state = State.DATA;
            } else if (c != '\r') {
              size = size * 16 + Character.digit(c, 16);
            }
          }
          case DATA -> {
            int n = (int) Math.min(chunkLeft, b.remaining());
            byte[] a = b.array();
            int from = b.arrayOffset() + b.position();
            int end = from + n;
            for (int i = from; i < end; i++) {
              if (line == OTHER) {
                i = newline(a, i, end); // the rest of a data line: nothing to check
                if (i == end) {
                  break;
                }
              }
              sse(a[i]);
            }
            b.position(b.position() + n);
            chunkLeft -= n;
            if (chunkLeft == 0) {
              state = State.DATA_END;
            }
          }
          case DATA_END -> {
            if (b.get() == '\n') {
              state = State.SIZE;
            }
          }
        }
      }
    }

    /**
     * The index of the first {@code '\n'} in {@code a[from, end)}, or {@code end}: eight bytes at a time
     * (a zero-byte test on the word XOR {@code 0x0a} in every byte), since data lines are most of the bytes.
     */
    static int newline(byte[] a, int from, int end) {
      int i = from;
      for (; i + 8 <= end; i += 8) {
        long x = (long) LONGS.get(a, i) ^ 0x0a0a0a0a0a0a0a0aL;
        long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
        if (found != 0) {
          return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
      }
      while (i < end && a[i] != '\n') {
        i++;
      }
      return i;
    }

    /** One byte of the event stream: a small state machine that checks each {@code id:} line. */
    private void sse(byte c) throws IOException {
      if (c == '\n') {
        if (line == IN_ID) {
          if (id != nextId) {
            throw new IOException("expected id " + nextId + ", got " + id + " (a gap or a duplicate)");
          }
          nextId++;
          seen++;
        }
        line = START;
        return;
      }
      switch (line) {
        case START -> line = c == 'i' ? SAW_I : OTHER;
        case SAW_I -> line = c == 'd' ? SAW_ID : OTHER;
        case SAW_ID -> {
          line = c == ':' ? IN_ID : OTHER;
          id = 0;
        }
        case IN_ID -> {
          if (c >= '0' && c <= '9') {
            id = id * 10 + (c - '0');
          } else if (c != ' ') {
            throw new IOException("a bad id line");
          }
        }
        default -> { }
      }
    }
  }
}
