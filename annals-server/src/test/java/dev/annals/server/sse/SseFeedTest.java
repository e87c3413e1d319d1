package dev.annals.server.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared feed behind {@code /subscribe/all}: blocks encoded once, a bounded ring, fallback to the log. */
class SseFeedTest {

  final InMemoryEventStore store = new InMemoryEventStore();

  @AfterEach
  void close() {
    store.close();
  }

  private void appendN(String stream, int n) {
    for (int i = 0; i < n; i++) {
      store.append(stream, ExpectedVersion.ANY, EventData.of("T", "{\"n\":" + i + "}"));
    }
  }

  private static void awaitHead(SseFeed.Tail t, long position) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (t.head() < position && System.nanoTime() < deadline) {
      t.awaitAbove(t.head(), 100_000_000L);
    }
    assertThat(t.head()).isEqualTo(position);
  }

  /** The messages of block {@code b} as text, one per event. */
  private static String[] messages(SseFeed.Block b) {
    String[] out = new String[b.count()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new String(b.bytes, b.start(i), b.ends[i] - b.start(i), StandardCharsets.UTF_8);
    }
    return out;
  }

  @Test
  void the_tail_encodes_each_committed_event_into_the_aligned_block_of_its_position() throws Exception {
    SseFeed feed = new SseFeed(store, 1 << 20);
    SseFeed.Tail t = feed.acquire();
    try {
      appendN("a-1", 600);
      awaitHead(t, 600);

      SseFeed.Block b = feed.block(t, 300);
      assertThat(b.index).isEqualTo(1);
      assertThat(b.first).isEqualTo(257);
      assertThat(b.count()).isEqualTo(256);
      assertThat(b.complete()).isTrue();
      assertThat(messages(b)[300 - 257]).startsWith("id: 300\ndata: {\"id\":").contains("\"position\":300")
          .endsWith("}\n\n");
      assertThat(feed.block(t, 600).count()).isEqualTo(600 - 512);
      assertThat(feed.block(t, 600)).isSameAs(t.recent(513));
    } finally {
      feed.release();
    }
  }

  @Test
  void a_block_behind_the_bounded_buffer_is_read_from_the_log_whole_and_in_order() throws Exception {
    SseFeed feed = new SseFeed(store, 0); // no room: the ring keeps only the block being filled
    SseFeed.Tail t = feed.acquire();
    try {
      appendN("a-1", 2000);
      awaitHead(t, 2000);

      assertThat(feed.recentBlocks()).containsExactly(7L);
      assertThat(t.recent(1)).isNull();
      SseFeed.Block first = feed.block(t, 1);
      assertThat(first.count()).isEqualTo(256);
      assertThat(first.complete()).isTrue();
      String[] m = messages(first);
      for (int i = 0; i < m.length; i++) {
        assertThat(m[i]).startsWith("id: " + (i + 1) + "\n");
      }
      assertThat(feed.block(t, 100)).as("kept for other sessions catching up").isSameAs(first);
    } finally {
      feed.release();
    }
  }

  @Test
  void the_ring_drops_its_oldest_blocks_beyond_its_byte_budget() throws Exception {
    SseFeed feed = new SseFeed(store, 3 * 256 * 200); // room for about three blocks of these events
    SseFeed.Tail t = feed.acquire();
    try {
      appendN("a-1", 256 * 20);
      awaitHead(t, 256 * 20);

      assertThat(feed.recentBlocks()).hasSizeBetween(2, 6).endsWith(19L);
      assertThat(feed.block(t, 1).index).isZero();
    } finally {
      feed.release();
    }
  }

  @Test
  void a_tail_started_inside_a_block_fills_it_from_its_first_position() throws Exception {
    appendN("a-1", 300);
    SseFeed feed = new SseFeed(store, 1 << 20);
    SseFeed.Tail t = feed.acquire();
    try {
      awaitHead(t, 300);

      assertThat(feed.recentBlocks()).containsExactly(1L);
      assertThat(messages(t.recent(257))[0]).startsWith("id: 257\n");
      assertThat(messages(feed.block(t, 5))[4]).startsWith("id: 5\n");
    } finally {
      feed.release();
    }
  }

  @Test
  void an_event_too_large_to_keep_is_left_out_of_its_block_and_read_whole_from_the_store() throws Exception {
    SseFeed feed = new SseFeed(store, 1 << 20);
    SseFeed.Tail t = feed.acquire();
    try {
      appendN("a-1", 1);
      String pad = "z".repeat(SseFeed.KEPT_MESSAGE_BYTES);
      store.append("big-1", ExpectedVersion.ANY, EventData.of("T", "{\"pad\":\"" + pad + "\"}"));
      appendN("a-1", 1);
      awaitHead(t, 3);

      SseFeed.Block b = feed.block(t, 1);
      assertThat(b.kept(0)).isTrue();
      assertThat(b.kept(1)).isFalse();
      assertThat(b.kept(2)).isTrue();
      assertThat(b.omitted).isEqualTo(1);
      assertThat(b.size).isLessThan(2_000);
      String big = new String(feed.readMessage(2), StandardCharsets.UTF_8);
      assertThat(big).startsWith("id: 2\ndata: {").contains(pad).endsWith("}\n\n");
    } finally {
      feed.release();
    }
  }

  @Test
  void the_tail_runs_only_while_sessions_hold_it() throws Exception {
    SseFeed feed = new SseFeed(store, 1 << 20);
    feed.acquire();
    feed.acquire();
    feed.release();
    assertThat(feed.tailRunning()).isTrue();

    feed.release();
    assertThat(feed.tailRunning()).isFalse();
    assertThat(feed.recentBlocks()).isEmpty();

    appendN("a-1", 10);
    SseFeed.Tail again = feed.acquire();
    try {
      appendN("a-1", 1);
      awaitHead(again, 11);
      assertThat(messages(feed.block(again, 11))).hasSize(11);
    } finally {
      feed.release();
    }
  }

  @Test
  void a_stream_session_takes_the_shared_message_without_its_id_line() throws Exception {
    SseFeed feed = new SseFeed(store, 1 << 20);
    SseFeed.Tail t = feed.acquire();
    try {
      appendN("a-1", 3);
      awaitHead(t, 3);
      var e = store.readStream("a-1", 2, dev.annals.core.Direction.FORWARD, 1).events().getFirst();

      byte[] shared = feed.dataMessage(e);
      String whole = messages(feed.block(t, 2))[1];
      assertThat(new String(shared, StandardCharsets.UTF_8)).isEqualTo(whole.substring("id: 2\n".length()));
      SseFeed alone = new SseFeed(store, 1 << 20);
      assertThat(Arrays.equals(alone.dataMessage(e), shared)).as("the same bytes when encoded alone").isTrue();
    } finally {
      feed.release();
    }
  }
}
