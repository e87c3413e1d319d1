package dev.annals.server.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.server.ServerConfig;
import dev.annals.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "A client too slow for too long gets a final error event and is disconnected": a {@code /subscribe/all}
 * client that was live and then fell behind the server's recent events (more appended than the feed
 * keeps, {@link SseFeed#RECENT_SLOTS} blocks) and stays behind gets {@code too_slow}, with no gap before
 * it; a new client catching up from the start is never cut for being behind.
 */
class SlowSubscriberTest {

  static final Duration SLOW = Duration.ofMillis(300);
  /** More than the feed keeps in memory, so a client that stopped reading ends up behind it. */
  static final int MANY = SseFeed.RECENT_SLOTS * SseFeed.BLOCK + 100_000;

  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0).withSlowSubscriberTimeout(SLOW));
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
  }

  /** A raw HTTP/1.0 SSE reader (no chunked encoding), read at the pace the test chooses. */
  final class RawClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    /** The last bytes read (with a little before them), where {@link #readUntil} looks for its marker. */
    String recent = "";
    boolean eof;

    RawClient(String pathAndQuery) throws IOException {
      socket = new Socket("127.0.0.1", t.server.port());
      socket.setReceiveBufferSize(64 * 1024);
      socket.setSoTimeout(20_000); // a stream that neither sends nor ends fails the test instead of hanging it
      socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      in = socket.getInputStream();
    }

    /** Reads once (up to 16 KiB); false at the end of the stream. */
    boolean readSome() throws IOException {
      byte[] buf = new byte[16 * 1024];
      int n = in.read(buf);
      if (n < 0) {
        eof = true;
        return false;
      }
      got.write(buf, 0, n);
      recent = recent.substring(Math.max(0, recent.length() - 64)) + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      return true;
    }

    String text() {
      return got.toString(StandardCharsets.UTF_8);
    }

    void readUntil(String marker) throws IOException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!recent.contains(marker)) {
        assertThat(System.nanoTime()).as("waiting for " + marker).isLessThan(deadline);
        assertThat(readSome()).as("stream ended before " + marker).isTrue();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private void appendMany() {
    List<EventData> batch = new ArrayList<>();
    for (int i = 1; i <= MANY; i++) {
      batch.add(EventData.of("Tick", "{\"n\":" + i + "}"));
      if (batch.size() == 1000) {
        t.store.append("tick-" + (i % 7), ExpectedVersion.ANY, batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      t.store.append("tick-0", ExpectedVersion.ANY, batch);
    }
  }

  /** The ids of the event messages in {@code sse}, in order. */
  private static List<Long> ids(String sse) {
    List<Long> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(sse);
    while (m.find()) {
      ids.add(Long.parseLong(m.group(1)));
    }
    return ids;
  }

  @Test
  void a_live_client_that_falls_behind_and_stays_behind_gets_too_slow_and_no_gap_before_it() throws Exception {
    for (int i = 0; i < 10; i++) {
      t.store.append("first-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
    }
    try (RawClient slow = new RawClient("/subscribe/all?from=1")) {
      slow.readUntil("event: caught-up");
      appendMany(); // it reads nothing meanwhile: the server's writes to it block, the feed moves on
      long t0 = System.nanoTime();
      while (slow.readSome()) {
        Thread.sleep(2); // about 8 MB/s: slower than the events came
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("cut within").isLessThan(Duration.ofSeconds(60));
      }
      String sse = slow.text();
      assertThat(sse).contains("event: error").contains("\"error\":\"too_slow\"");
      Matcher last = Pattern.compile("\"lastEventId\":(\\d+)").matcher(sse);
      assertThat(last.find()).isTrue();
      long lastEventId = Long.parseLong(last.group(1));
      List<Long> ids = ids(sse);
      assertThat(ids).hasSize((int) lastEventId);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(ids.get(i)).as("id %d", i).isEqualTo(i + 1L);
      }
      assertThat(lastEventId).as("cut before the end").isLessThan(t.store.headPosition());
    }
  }

  @Test
  void a_client_catching_up_from_the_start_is_not_cut_however_far_behind() throws Exception {
    appendMany();
    try (RawClient catchingUp = new RawClient("/subscribe/all?from=1")) {
      long slowUntil = System.nanoTime() + SLOW.multipliedBy(4).toNanos();
      while (System.nanoTime() < slowUntil) { // slow at first, behind the recent events all along
        assertThat(catchingUp.readSome()).isTrue();
        Thread.sleep(2);
      }
      catchingUp.readUntil("event: caught-up");
      String sse = catchingUp.text();
      assertThat(sse).doesNotContain("too_slow");
      assertThat(ids(sse)).hasSize(MANY).startsWith(1L, 2L).endsWith((long) MANY);
    }
  }
}
