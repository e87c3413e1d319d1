package dev.annals.bench;

import dev.annals.core.Json;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code http-append-concurrent-64}: 64 clients append single events (256 B) to random streams of
 * 10,000 through {@code POST /streams/{stream}}, for a fixed time, to a server over the embedded log
 * with {@code fsync=always} (server and clients in this JVM, over loopback). The clients are
 * {@link HttpLoad}: 64 kept-alive HTTP/1.1 connections driven by one thread, each with one request in
 * flight, so the client costs little of the two cores the server needs (the JDK HttpClient spends more
 * CPU per request than the server does and adds its own thread hand-offs). Baseline: the log's own
 * {@code append-concurrent-64} in this run (64 threads appending embedded, same fsync mode); and, in
 * a second row, the HTTP stack's ceiling: the same client against {@link CannedHttpServer}, Jetty
 * answering without a store.
 */
final class HttpAppendConcurrent implements Workload {

  static final int CLIENTS = LogAppendConcurrent.THREADS;

  @Override
  public String name() {
    return "http-append-concurrent-64";
  }

  @Override
  public List<BenchResult> run(BenchEnv env) throws Exception {
    long millis = env.quick() ? 4_000 : 15_000;
    // This row runs first in a fresh JVM: the JIT keeps compiling the server path for the first ~10 s
    // (longer when other work shares the cores), while the embedded baseline after it meets a warm JVM.
    long warmUp = env.quick() ? 3_000 : 10_000;
    Json data = InMemoryAppendBatch.payload(LogBench.EVENT_BYTES);
    HttpLoad.Outcome http;
    long fsyncs;
    try (LogEventStore store = Annals.open(env.newDir("http-append"), LogOptions.defaults())) {
      AnnalsServer server = new AnnalsServer(store, ServerConfig.defaults().withPort(0),
          new ScanVerifier(store, true)).start();
      try {
        HttpLoad load = new HttpLoad(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), CLIENTS);
        env.progress("http: " + warmUp / 1000 + " s warm-up, then " + CLIENTS + " clients appending for "
            + millis / 1000 + " s");
        load.run(warmUp, n -> appendRequest(data));
        long fsyncsBefore = store.fsyncs();
        http = load.run(millis, n -> appendRequest(data));
        fsyncs = store.fsyncs() - fsyncsBefore;
      } finally {
        server.stop();
      }
    }
    LogAppendConcurrent.Measured direct;
    try (LogEventStore store = Annals.open(env.newDir("http-append-baseline"), LogOptions.defaults())) {
      env.progress("baseline: the same appends embedded (append-concurrent-64)");
      direct = LogAppendConcurrent.appendFor(store, millis, data);
    }
    HttpLoad.Outcome canned;
    try (CannedHttpServer server = new CannedHttpServer()) {
      env.progress("baseline: the same requests answered by Jetty with a canned 200, no store");
      HttpLoad load = new HttpLoad(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), CLIENTS);
      load.run(env.quick() ? 1_000 : 3_000, n -> appendRequest(data));
      canned = load.run(millis, n -> appendRequest(data));
    }
    String quick = env.quick() ? "; quick" : "";
    return List.of(
        new BenchResult(name(), "http(log, fsync=always)", http.perSecond(),
            http.latencies().percentileUs(50), http.latencies().percentileUs(99), "log-embedded-64", direct.perSecond(),
            String.format(Locale.ROOT, "%d clients on %d kept-alive HTTP/1.1 connections (one-thread NIO client), %d"
                + " streams, %.1f s after %.0f s warm-up, %d events in %d fsyncs (%.1f events/fsync); baseline p50/p99 %.0f/%.0f us%s",
                CLIENTS, CLIENTS, LogAppendConcurrent.STREAMS, millis / 1e3, warmUp / 1e3, http.requests(), fsyncs,
                http.requests() / (double) Math.max(1, fsyncs), direct.latencies().percentileUs(50),
                direct.latencies().percentileUs(99), quick)),
        new BenchResult(name(), "http(log, fsync=always)", http.perSecond(),
            http.latencies().percentileUs(50), http.latencies().percentileUs(99), "jetty-canned-200", canned.perSecond(),
            String.format(Locale.ROOT, "the run above against its HTTP ceiling: the same client and requests for %.1f s,"
                + " answered by Jetty set up as the server is (virtual threads, body read) with a canned 200 of the same"
                + " size, no routing, JSON or store; baseline p50/p99 %.0f/%.0f us%s", millis / 1e3,
                canned.latencies().percentileUs(50), canned.latencies().percentileUs(99), quick)));
  }

  private static final byte[] BODY_START = ascii("{\"expectedVersion\":\"any\",\"events\":[{\"id\":\"");
  private static final byte[] BODY_DATA = ascii("\",\"type\":\"Bench\",\"data\":");
  private static final byte[] BODY_END = ascii("}]}");

  /**
   * One whole {@code POST /streams/acct-N} request appending one event with a fresh id, assembled
   * from bytes (the client's CPU is taken from the server it measures).
   */
  static byte[] appendRequest(Json data) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    byte[] id = ascii(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
    byte[] d = data.unsafeBytes();
    int bodyLength = BODY_START.length + id.length + BODY_DATA.length + d.length + BODY_END.length;
    byte[] head = ascii("POST /streams/acct-" + rnd.nextInt(LogAppendConcurrent.STREAMS) + " HTTP/1.1\r\n"
        + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: " + bodyLength + "\r\n\r\n");
    byte[] all = new byte[head.length + bodyLength];
    int at = 0;
    for (byte[] part : new byte[][] {head, BODY_START, id, BODY_DATA, d, BODY_END}) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
