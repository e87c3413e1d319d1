package dev.annals.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A lean HTTP/1.1 load client for the benchmarks: one thread drives {@code connections} kept-alive
 * sockets over one selector, each with one request in flight (a closed-loop client per connection:
 * the next request leaves when the previous response is whole). It sends pre-built requests and reads
 * only the status line and Content-Length, so nearly all CPU it leaves goes to the server. Latency is
 * from the first byte sent to the last byte received. Any status other than 200 fails the run. Not
 * thread-safe: one run at a time.
 */
final class HttpLoad {

  /** What a run did: completed requests, their latencies, and the elapsed time. */
  record Outcome(long requests, Latencies latencies, double seconds) {
    double perSecond() {
      return requests / seconds;
    }
  }

  private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STATUS_200 = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

  private final List<InetSocketAddress> servers;
  private final int connections;

  HttpLoad(InetSocketAddress server, int connections) {
    this(List.of(server), connections);
  }

  /** {@code connections} spread round-robin over {@code servers} (nodes behind no load balancer). */
  HttpLoad(List<InetSocketAddress> servers, int connections) {
    this.servers = List.copyOf(servers);
    this.connections = connections;
  }

  /**
   * Sends requests for {@code millis} ms; {@code request.apply(n)} builds the n-th request (whole
   * bytes: request line, headers, body). Requests in flight at the deadline are finished and counted,
   * and the elapsed time includes them.
   */
  Outcome run(long millis, IntFunction<byte[]> request) throws IOException {
    Latencies latencies = new Latencies();
    long requests = 0;
    int next = 0;
    try (Selector selector = Selector.open()) {
      List<Conn> conns = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          SocketChannel ch = SocketChannel.open(servers.get(i % servers.size()));
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          ch.configureBlocking(false);
          Conn c = new Conn(ch);
          conns.add(c);
          c.key = ch.register(selector, 0, c);
        }
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        for (Conn c : conns) {
          c.send(request.apply(next++));
        }
        int inFlight = conns.size();
        while (inFlight > 0) {
          selector.select(1000);
          for (SelectionKey k : selector.selectedKeys()) {
            Conn c = (Conn) k.attachment();
            if (k.isWritable()) {
              c.flush();
            }
            if (k.isReadable() && c.read()) {
              long now = System.nanoTime();
              latencies.record(now - c.sentAt);
              requests++;
              if (now < deadline) {
                c.send(request.apply(next++));
              } else {
                inFlight--;
              }
            }
          }
          selector.selectedKeys().clear();
        }
        return new Outcome(requests, latencies, (System.nanoTime() - start) / 1e9);
      } finally {
        for (Conn c : conns) {
          c.ch.close();
        }
      }
    }
  }

  /** One connection: the request being written and the response being read. */
  private static final class Conn {
    final SocketChannel ch;
    SelectionKey key;
    ByteBuffer out = ByteBuffer.allocate(0);
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    long sentAt;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }

    void send(byte[] request) throws IOException {
      sentAt = System.nanoTime();
      out = ByteBuffer.wrap(request);
      flush();
    }

    void flush() throws IOException {
      ch.write(out);
      key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    }

    /**
     * Reads what is there; true when a whole response has arrived (and was a 200). Scans the bytes in
     * place (no String per response), so the client stays a small share of the CPU it measures.
     */
    boolean read() throws IOException {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      if (ch.read(in) < 0) {
        throw new IOException("the server closed the connection");
      }
      int headerEnd = indexOf(in, HEADER_END);
      if (headerEnd < 0) {
        return false;
      }
      byte[] a = in.array();
      int length = contentLength(a, headerEnd);
      int total = headerEnd + HEADER_END.length + length;
      if (in.position() < total) {
        return false;
      }
      if (!startsWith(a, 0, STATUS_200)) {
        String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
        throw new IOException("the server answered " + head.lines().findFirst().orElse("")
            + ": " + new String(a, headerEnd + 4, length, StandardCharsets.UTF_8));
      }
      if (in.position() > total) {
        throw new IOException("bytes after the response: the server answered a request not sent");
      }
      in.clear();
      return true;
    }

    /** The Content-Length of the head in {@code a[0, headerEnd)}, header name matched case-insensitively. */
    private static int contentLength(byte[] a, int headerEnd) throws IOException {
      for (int i = 0; i < headerEnd; i++) {
        if (a[i] == '\n' && startsWithIgnoreCase(a, i + 1, CONTENT_LENGTH)) {
          int n = 0;
          boolean digits = false;
          for (int j = i + 1 + CONTENT_LENGTH.length; j < headerEnd && a[j] != '\r'; j++) {
            if (a[j] >= '0' && a[j] <= '9') {
              n = n * 10 + (a[j] - '0');
              digits = true;
            } else if (a[j] != ' ' && a[j] != '\t') {
              throw new IOException("a bad Content-Length in " + new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1));
            }
          }
          if (digits) {
            return n;
          }
        }
      }
      throw new IOException("a response without Content-Length: " + new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] a, int at, byte[] prefix) {
      if (at + prefix.length > a.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (a[at + i] != prefix[i]) {
          return false;
        }
      }
      return true;
    }

    /** {@code lower} is lower case ASCII. */
    private static boolean startsWithIgnoreCase(byte[] a, int at, byte[] lower) {
      if (at + lower.length > a.length) {
        return false;
      }
      for (int i = 0; i < lower.length; i++) {
        int c = a[at + i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower[i]) {
          return false;
        }
      }
      return true;
    }

    private static int indexOf(ByteBuffer b, byte[] needle) {
      byte[] a = b.array();
      for (int i = 0; i + needle.length <= b.position(); i++) {
        int j = 0;
        while (j < needle.length && a[i + j] == needle[j]) {
          j++;
        }
        if (j == needle.length) {
          return i;
        }
      }
      return -1;
    }
  }
}
