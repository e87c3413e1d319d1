package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.server.verify.ScanVerifier;
import dev.annals.postgres.PgStores;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.PostgresReadModels;
import dev.annals.postgres.TestPostgres;
import dev.annals.server.AnnalsServer;
import dev.annals.server.LedgerModule;
import dev.annals.server.ServerConfig;
import dev.annals.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers over one PostgreSQL store, their read models in that database: one runs each projection, both
 * answer its queries and status; the other takes over when the first stops; a rebuild and a promotion asked of
 * the server that does not run the projection run once, on the one that does, and both see the result.
 */
@ExtendWith(TestPostgres.class)
class ClusteredProjectionsTest {

  private static final String NAME = "ledger_totals";
  private final List<TestServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TestServer n : nodes) {
      n.close();
    }
  }

  private TestServer node(PostgresOptions options, String name) throws Exception {
    PostgresEventStore store = PostgresEventStore.open(options);
    SharedReadModels readModels = new SharedReadModels(() -> {
      PostgresReadModels.Target t = PostgresReadModels.target(store);
      return new SharedReadModels.Opened(t.target(), t.dialect());
    }, store::tryAcquireRole, "the store's database");
    TestServer t = new TestServer(store, new AnnalsServer(store, ServerConfig.defaults().withPort(0).withNodeName(name),
        new ScanVerifier(store, true), List.of(new LedgerModule()), readModels));
    nodes.add(t);
    return t;
  }

  private static String runningOn(TestServer n) {
    return n.get("/projections/" + NAME).json().path("runningOn").asText("");
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", timeout, what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The names of the servers a node's /health lists as up, itself first. */
  private static List<String> upNodes(TestServer n) {
    List<String> out = new ArrayList<>();
    n.get("/health").json().path("nodes").forEach(x -> {
      if (x.path("up").asBoolean()) {
        out.add(x.path("name").asText());
      }
    });
    return out;
  }

  private static long total(TestServer n, String stream) {
    TestServer.Reply r = n.get("/projections/" + NAME + "/rows?stream=" + stream);
    return r.status() == 200 ? r.json().path("rows").get(0).path("total").asLong() : -1;
  }

  @Test
  void one_server_runs_each_projection_both_answer_and_the_other_takes_over() throws Exception {
    PostgresOptions options = PgStores.freshOptions();
    TestServer a = node(options, "node-a");
    TestServer b = node(options, "node-b");
    assertThat(a.post("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":250}").status()).isEqualTo(200);
    assertThat(b.post("/commands/ledger/debit", "{\"ledgerId\":\"1\",\"amount\":50}").status()).isEqualTo(200);

    await("both servers to agree on who runs it", Duration.ofSeconds(10),
        () -> !runningOn(a).isEmpty() && runningOn(a).equals(runningOn(b)));
    TestServer leader = runningOn(a).equals("node-a") ? a : b;
    TestServer other = leader == a ? b : a;
    await("both servers in each other's node list", Duration.ofSeconds(10), () -> upNodes(a).equals(List.of("node-a",
        "node-b")) && upNodes(b).equals(List.of("node-b", "node-a")));

    // read-your-writes on the server that does not run the projection: the answer waits for the credit
    TestServer.Reply credit = other.post("/commands/ledger/credit", "{\"ledgerId\":\"2\",\"amount\":7}");
    long at = credit.json().path("append").path("lastPosition").asLong();
    assertThat(at).as(credit.body()).isPositive();
    TestServer.Reply mine = other.get("/projections/" + NAME + "/rows?stream=ledger-2&minPosition=" + at + "&wait=10s");
    assertThat(mine.status()).as(mine.body()).isEqualTo(200);
    assertThat(mine.json().path("rows").get(0).path("total").asLong()).isEqualTo(7);
    assertThat(runningOn(leader)).isEqualTo(leader == a ? "node-a" : "node-b");
    // v1 sums credits only; both servers read the same shared tables
    await("the read model on both", Duration.ofSeconds(10), () -> total(a, "ledger-1") == 250 && total(b, "ledger-1") == 250);
    await("the running server's status on the other (published every 0.5 s)", Duration.ofSeconds(5),
        () -> other.get("/projections/" + NAME).json().path("position").asLong() == 3);
    JsonNode st = other.get("/projections/" + NAME).json();
    assertThat(st.path("status").asText()).isEqualTo("running");
    assertThat(st.path("lagEvents").asLong()).isZero();

    // An as-of query on the server that does not run it: v1's code built as of position 1
    TestServer.Reply asOf = other.get("/projections/" + NAME + "/rows?stream=ledger-1&position=1");
    assertThat(asOf.status()).as(asOf.body()).isEqualTo(200);
    assertThat(asOf.json().path("rows").get(0).path("total").asLong()).isEqualTo(250);

    // A rebuild and a promotion asked of the server that does not run it run on the one that does.
    TestServer.Reply rebuild = other.post("/projections/" + NAME + "/rebuild", "");
    assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
    await("the rebuild to catch up", Duration.ofSeconds(20), () -> leader.get("/projections/" + NAME).json()
        .path("rebuild").path("caughtUp").asBoolean());
    TestServer.Reply again = other.post("/projections/" + NAME + "/rebuild", "");
    assertThat(again.status()).as("a second rebuild is refused: it runs once").isEqualTo(400);
    assertThat(again.json().path("message").asText()).contains("already running");
    TestServer.Reply promote = other.post("/projections/" + NAME + "/promote", "{}");
    assertThat(promote.status()).as(promote.body()).isEqualTo(200);
    assertThat(promote.json().path("version").asInt()).isEqualTo(2);
    assertThat(total(a, "ledger-1")).as("v2: credits minus debits, on both").isEqualTo(200);
    assertThat(total(b, "ledger-1")).isEqualTo(200);
    await("the promotion in both statuses", Duration.ofSeconds(5),
        () -> a.get("/projections/" + NAME).json().path("version").asInt() == 2
            && b.get("/projections/" + NAME).json().path("version").asInt() == 2);

    // The server running it stops: the other takes over within 10 s and goes on from the checkpoint.
    String survivorName = other == a ? "node-a" : "node-b";
    nodes.remove(leader);
    leader.close();
    long stopped = System.nanoTime();
    await("the other server to take over", Duration.ofSeconds(10), () -> runningOn(other).equals(survivorName));
    assertThat(upNodes(other)).as("a server that stopped leaves the list").containsExactly(survivorName);
    assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(10));
    assertThat(other.post("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5}").status()).isEqualTo(200);
    await("the new event applied once", Duration.ofSeconds(10), () -> total(other, "ledger-1") == 205);
    assertThat(other.get("/projections/" + NAME).json().path("version").asInt()).isEqualTo(2);
    TestServer.Reply v2AsOf = other.get("/projections/" + NAME + "/rows?stream=ledger-1&position=2");
    assertThat(v2AsOf.json().path("rows").get(0).path("total").asLong()).as("the promoted code, as of position 2")
        .isEqualTo(200);
  }
}
