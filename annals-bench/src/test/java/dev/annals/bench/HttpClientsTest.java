package dev.annals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lean benchmark clients count what the server did, and refuse what it should not have done. */
class HttpClientsTest {

  InMemoryEventStore store;
  AnnalsServer server;
  InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    store = new InMemoryEventStore();
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true)).start();
    address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    store.close();
  }

  @Test
  void the_load_client_counts_every_append_the_server_made() throws Exception {
    HttpLoad.Outcome o = new HttpLoad(address, 4).run(300,
        n -> HttpAppendConcurrent.appendRequest(InMemoryAppendBatch.payload(256)));

    assertThat(o.requests()).isPositive();
    assertThat(store.headPosition()).isEqualTo(o.requests());
    assertThat(o.latencies().count()).isEqualTo((int) o.requests());
  }

  @Test
  void the_load_client_fails_on_a_refused_request() {
    assertThatThrownBy(() -> new HttpLoad(address, 1).run(100, n -> "POST /streams/s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .isInstanceOf(IOException.class).hasMessageContaining("400");
  }

  @Test
  void the_canned_server_answers_every_request_of_the_load_client() throws Exception {
    try (CannedHttpServer canned = new CannedHttpServer()) {
      HttpLoad.Outcome o = new HttpLoad(new InetSocketAddress(InetAddress.getLoopbackAddress(), canned.port()), 4)
          .run(300, n -> HttpAppendConcurrent.appendRequest(InMemoryAppendBatch.payload(256)));

      assertThat(o.requests()).isPositive();
      assertThat(o.latencies().count()).isEqualTo((int) o.requests());
    }
  }

  @Test
  void the_canned_server_reads_a_body_that_comes_late_before_the_next_request() throws Exception {
    try (CannedHttpServer canned = new CannedHttpServer();
        java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), canned.port())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var ascii = java.nio.charset.StandardCharsets.US_ASCII;
      out.write("POST /streams/a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 8\r\n\r\n{\"a\":".getBytes(ascii));
      out.flush();
      Thread.sleep(200);
      out.write("12}POST /streams/b HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}".getBytes(ascii));
      out.flush();

      // The responses' bodies end without a line break: count status lines in the bytes as they come.
      StringBuilder seen = new StringBuilder();
      var in = socket.getInputStream();
      byte[] buf = new byte[4096];
      int oks = 0;
      for (int n; oks < 2 && (n = in.read(buf)) > 0; ) {
        seen.append(new String(buf, 0, n, ascii));
        oks = seen.toString().split("HTTP/1.1 ", -1).length - 1;
      }
      assertThat(seen.toString()).doesNotContain("HTTP/1.1 4").doesNotContain("HTTP/1.1 5");
      assertThat(oks).isEqualTo(2);
    }
  }

  @Test
  void sse_readers_see_every_event_in_order() throws Exception {
    for (int i = 0; i < 50; i++) {
      store.append("s-" + i % 3, ExpectedVersion.ANY, EventData.of("T", "{\"n\":" + i + "}"));
    }

    double secs = new SseReaders(address, 3).readAll("/subscribe/all?from=1", 1, 50, 30_000, () -> { });

    assertThat(secs).isPositive();
  }

  @Test
  void sse_readers_start_the_writer_once_subscribed_and_see_what_it_appends() throws Exception {
    store.append("before", ExpectedVersion.ANY, EventData.of("T", "{}"));

    double secs = new SseReaders(address, 4).readAll("/subscribe/all?from=2", 2, 20, 30_000, () -> {
      for (int i = 0; i < 20; i++) {
        store.append("live", ExpectedVersion.ANY, EventData.of("T", "{}"));
      }
    });

    assertThat(secs).isPositive();
    assertThat(store.headPosition()).isEqualTo(21);
  }

  @Test
  void sse_readers_refuse_a_gap() {
    for (int i = 0; i < 5; i++) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
    }

    assertThatThrownBy(() -> new SseReaders(address, 1).readAll("/subscribe/all?from=3", 1, 5, 30_000, () -> { }))
        .isInstanceOf(IOException.class).hasMessageContaining("expected id 1, got 3");
  }

  @Test
  void the_newline_search_finds_the_first_line_break_at_every_offset() {
    for (int len = 0; len < 40; len++) {
      for (int at = 0; at <= len; at++) {
        byte[] a = new byte[len + 3];
        for (int i = 0; i < a.length; i++) {
          a[i] = (byte) (i * 37 + 11 == 10 ? 0 : i * 37 + 11); // all sorts of bytes, UTF-8 ones too, but no line break
          if (a[i] == '\n') {
            a[i] = (byte) 0x8a;
          }
        }
        a[0] = '\n';
        if (at < len) {
          a[1 + at] = '\n';
          a[1 + at + 1 < a.length ? 1 + at + 1 : 1 + at] = '\n';
        }
        a[a.length - 1] = '\n';
        assertThat(SseReaders.Reader.newline(a, 1, 1 + len)).as("len %d, at %d", len, at).isEqualTo(1 + at);
      }
    }
  }
}
