package dev.annals.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.Subscription;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import dev.annals.server.verify.ScanVerifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the client adds beyond the contract: permissions, SSE framing, reconnecting. */
class HttpEventStoreTest {

  @Test
  void a_refused_key_or_permission_is_a_request_refused_exception_with_the_code() throws Exception {
    ApiKeys keys = ApiKeys.parse(ApiKeys.line("reader-key", Role.READER, "account-", "r"), "test");
    try (LiveServer live = new LiveServer(ServerConfig.defaults().withPort(0).withApiKeys(keys));
        HttpEventStore reader = new HttpEventStore(live.server.uri(), ClientOptions.apiKey("reader-key"));
        HttpEventStore nobody = new HttpEventStore(live.server.uri(), ClientOptions.apiKey("wrong"))) {
      assertThatThrownBy(() -> reader.append("account-1", ExpectedVersion.ANY, EventData.of("T", "{}")))
          .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
            assertThat(e.code()).isEqualTo("forbidden");
            assertThat(e.status()).isEqualTo(403);
          });
      assertThatThrownBy(nobody::headPosition)
          .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
      live.backing.append("account-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
      assertThat(reader.readStream("account-1", 1, Direction.FORWARD, 10).events()).hasSize(1);
    }
  }

  @Test
  void an_unreachable_server_is_unavailable() {
    try (HttpEventStore client = new HttpEventStore(URI.create("http://127.0.0.1:1"))) {
      assertThatThrownBy(client::headPosition).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("cannot reach");
    }
  }

  @Test
  void pretty_printed_data_arrives_by_subscription_byte_for_byte() throws Exception {
    try (LiveServer live = new LiveServer()) {
      EventData pretty = EventData.of("T", "{\n  \"a\": 1,\n  \"b\": [2]\n}");
      live.client.append("p-1", ExpectedVersion.ANY, pretty);
      List<RecordedEvent> got = Collections.synchronizedList(new ArrayList<>());
      try (Subscription sub = live.client.subscribeToAll(1, Filter.all(), got::add)) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (got.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      }
      assertThat(got).hasSize(1);
      assertThat(got.getFirst().data()).isEqualTo(pretty.data());
    }
  }

  @Test
  void a_subscription_reconnects_after_a_server_restart_and_misses_nothing() throws Exception {
    InMemoryEventStore backing = new InMemoryEventStore();
    AnnalsServer first = new AnnalsServer(backing, ServerConfig.defaults().withPort(0),
        new ScanVerifier(backing, true)).start();
    int port = first.port();
    List<Long> positions = Collections.synchronizedList(new ArrayList<>());
    try (HttpEventStore client = new HttpEventStore(first.uri());
        Subscription sub = client.subscribeToAll(1, Filter.all(), e -> positions.add(e.position()))) {
      for (int i = 0; i < 5; i++) {
        backing.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
      }
      awaitSize(positions, 5);
      first.stop();
      for (int i = 0; i < 5; i++) {
        backing.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
      }
      AnnalsServer second = new AnnalsServer(backing, ServerConfig.defaults().withPort(port),
          new ScanVerifier(backing, true)).start();
      try {
        awaitSize(positions, 10);
        backing.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}")); // in order: a duplicate would come first
        awaitSize(positions, 11);
        assertThat(positions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(sub.failure()).isEmpty();
      } finally {
        second.stop();
      }
    } finally {
      backing.close();
    }
  }

  private static void awaitSize(List<Long> list, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (list.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("got " + list + " of " + n);
      }
      Thread.sleep(10);
    }
  }
}
