package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.TestPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A blue/green rebuild and promotion of {@code bank_statements} (version 1 ignores fee reversals, version 2
 * books them) asked of two different nodes of three, while clients query every node all along: each answer
 * is wholly version 1's or wholly version 2's statement (never a mix, never an error), and once the promotion
 * returns every node answers version 2.
 */
class ClusterRebuildTest {

  private static final String STATEMENTS = "bank_statements";

  @Test
  void a_rebuild_and_promotion_across_three_nodes_never_answers_from_a_half_promoted_version() throws Exception {
    try (LocalPostgres postgres = TestPostgres.startOwn();
        ClusterNodes cluster = new ClusterNodes(postgres.url(postgres.createDatabase()).toString(), 3)) {
      List<URI> nodes = cluster.uris;
      URI first = nodes.get(0);
      assertThat(cluster.post(first, "/commands/bank/open-account", "{\"accountId\":\"A1\",\"owner\":\"ada\"}")
          .status()).isEqualTo(200);
      assertThat(cluster.post(first, "/commands/bank/deposit", "{\"accountId\":\"A1\",\"amount\":1000}").status())
          .isEqualTo(200);
      UUID feeId = UUID.randomUUID();
      assertThat(cluster.post(first, "/commands/bank/charge-fee", "{\"accountId\":\"A1\",\"feeId\":\"" + feeId
          + "\",\"kind\":\"overdraft\",\"amount\":35}").status()).isEqualTo(200);
      String feeEventId = null;
      for (JsonNode e : cluster.get(first, "/streams/account-A1").json().path("events")) {
        if (e.path("type").asText().equals("FeeCharged")) {
          feeEventId = e.path("id").asText();
        }
      }
      assertThat(feeEventId).isNotNull();
      DemoHttp.Reply reversed = cluster.post(first, "/commands/bank/reverse-fee", "{\"accountId\":\"A1\",\"feeId\":\""
          + feeId + "\",\"feeEventId\":\"" + feeEventId + "\",\"effectiveAt\":\"2026-01-01T00:00:00Z\"}");
      assertThat(reversed.status()).as(String.valueOf(reversed.json())).isEqualTo(200);
      long head = reversed.json().path("append").path("lastPosition").asLong();

      String path = "/projections/" + STATEMENTS + "/lines?accountId=A1&minPosition=" + head + "&wait=20s";
      DemoHttp.Reply v1 = cluster.get(nodes.get(1), path);
      assertThat(v1.status()).as(String.valueOf(v1.json())).isEqualTo(200);
      assertThat(v1.json().path("balance").asLong()).as("version 1 ignores the reversal").isEqualTo(965);

      Set<String> answers = ConcurrentHashMap.newKeySet();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong asked = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        URI node = nodes.get(i % 3);
        readers.add(Thread.ofPlatform().start(() -> {
          while (!stop.get()) {
            DemoHttp.Reply r = cluster.get(node, path);
            asked.incrementAndGet();
            if (r.status() == 200) {
              answers.add(r.json().toString());
            } else {
              failures.add(node + ": " + r.status() + " " + r.json());
            }
          }
        }));
      }

      DemoHttp.Reply rebuild = cluster.post(nodes.get(1), "/projections/" + STATEMENTS + "/rebuild", "");
      assertThat(rebuild.status()).as(String.valueOf(rebuild.json())).isEqualTo(202);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!cluster.get(nodes.get(2), "/projections/" + STATEMENTS).json().path("rebuild").path("caughtUp").asBoolean()) {
        assertThat(System.nanoTime()).as("the rebuild caught up, as node 3 sees it").isLessThan(deadline);
        Thread.sleep(100);
      }
      DemoHttp.Reply promoted = cluster.post(nodes.get(2), "/projections/" + STATEMENTS + "/promote", "{}");
      assertThat(promoted.status()).as(String.valueOf(promoted.json())).isEqualTo(200);
      assertThat(promoted.json().path("version").asInt()).isEqualTo(2);
      for (URI node : nodes) {
        DemoHttp.Reply v2 = cluster.get(node, path);
        assertThat(v2.json().path("balance").asLong()).as("version 2 on %s", node).isEqualTo(1000);
      }
      Thread.sleep(500);
      stop.set(true);
      for (Thread t : readers) {
        t.join(60_000);
      }
      String v2 = cluster.get(first, path).json().toString();
      assertThat(failures).as("every query answered").isEmpty();
      assertThat(answers).as("answers to %d queries", asked.get()).containsExactlyInAnyOrder(v1.json().toString(), v2);
    }
  }
}
