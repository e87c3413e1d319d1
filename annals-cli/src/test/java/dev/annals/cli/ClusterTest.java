package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.client.HttpEventStore;
import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.Metadata;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.TestPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three {@code annals serve --store URL --module bank} processes on one throwaway PostgreSQL: 64 HTTP clients
 * deposit through all three while an SSE subscriber on each node checks order and completeness; the node
 * running the balances projection is killed with SIGKILL and another takes it over within 10 s; PostgreSQL is
 * restarted once under load. At the end every acknowledged command is in the log exactly once, the balances
 * read model (on every surviving node) equals the balances the test folds from the log itself, as do the
 * statements, the daily totals and the (empty) orders, the SSE
 * subscribers saw every position once and in order, and {@code annals verify --store} passes.
 */
class ClusterTest {

  private static final String BALANCES = "bank_balances";
  private static final int CLIENTS = 64;
  private static final int ACCOUNTS = 40;

  /** One acknowledged deposit: its command id, account and amount. */
  record Ack(UUID commandId, String account, long amount) {}

  @Test
  void three_nodes_serve_one_store_survive_a_killed_runner_and_a_database_restart() throws Exception {
    try (LocalPostgres postgres = TestPostgres.startOwn()) {
      String url = postgres.url(postgres.createDatabase()).toString();
      try (ClusterNodes cluster = new ClusterNodes(url, 3)) {
        List<URI> uris = cluster.uris;
        for (int a = 0; a < ACCOUNTS; a++) {
          DemoHttp.Reply r = cluster.post(uris.get(a % 3), "/commands/bank/open-account",
              "{\"accountId\":\"A" + a + "\",\"owner\":\"owner " + a + "\"}", UUID.randomUUID());
          assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        }

        // an SSE subscriber per node, from the start of the log
        List<List<Long>> seen = new ArrayList<>();
        List<Subscription> feeds = new ArrayList<>();
        List<HttpEventStore> clients = new ArrayList<>();
        for (URI u : uris) {
          List<Long> positions = new CopyOnWriteArrayList<>();
          HttpEventStore c = new HttpEventStore(u);
          clients.add(c);
          seen.add(positions);
          feeds.add(c.subscribeToAll(1, Filter.all(), e -> positions.add(e.position())));
        }

        Set<Integer> dead = ConcurrentHashMap.newKeySet();
        List<Ack> acks = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong retries = new AtomicLong();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicLong conflicts = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < CLIENTS; w++) {
          writers.add(Thread.ofPlatform().name("client-" + w).start(() -> {
            while (!stop.get()) {
              ThreadLocalRandom rnd = ThreadLocalRandom.current();
              String account = "A" + rnd.nextInt(ACCOUNTS);
              long amount = 1 + rnd.nextInt(1000);
              UUID id = UUID.randomUUID();
              String body = "{\"accountId\":\"" + account + "\",\"amount\":" + amount + "}";
              while (true) { // the same command id on every retry: the server recognises a repeated command
                int node = rnd.nextInt(3);
                if (dead.contains(node)) {
                  continue;
                }
                DemoHttp.Reply r = cluster.post(uris.get(node), "/commands/bank/deposit", body, id);
                if (r.status() == 200) {
                  acks.add(new Ack(id, account, amount));
                  break;
                }
                // 409: the account changed under every one of the command's own attempts (64 clients on 40
                // accounts through three servers); nothing was written, so the client tries again
                boolean conflict = r.status() == 409 && r.json().path("error").asText().equals("wrong_expected_version");
                if (conflict) {
                  conflicts.incrementAndGet();
                }
                if (r.status() != 503 && r.status() != -1 && !conflict) {
                  unexpected.add(r.status() + " " + r.json());
                  break;
                }
                retries.incrementAndGet();
                sleep(50);
              }
            }
          }));
        }

        Thread.sleep(4_000);
        // kill -9 the node running the balances projection; another takes it over within 10 s
        String runner = awaitRunner(cluster, uris, Set.of(), Duration.ofSeconds(10));
        int victim = Integer.parseInt(runner.substring(1)) - 1;
        dead.add(victim);
        cluster.processes.get(victim).process.destroyForcibly();
        long killed = System.nanoTime();
        List<URI> alive = new ArrayList<>(uris);
        alive.remove(victim);
        String next = awaitRunner(cluster, alive, Set.of(runner), Duration.ofSeconds(10));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(takeover).as("projection taken over by %s", next).isLessThan(Duration.ofSeconds(10));

        Thread.sleep(3_000);
        postgres.restart(); // under load: appends answer 503 meanwhile and are retried
        Thread.sleep(5_000);
        stop.set(true);
        for (Thread t : writers) {
          t.join(120_000);
          assertThat(t.isAlive()).as("client %s finished", t.getName()).isFalse();
        }
        assertThat(acks.size()).as("deposits acknowledged").isGreaterThan(200);

        assertThat(unexpected).as("answers other than 200, 503 or no answer").isEmpty();
        HttpEventStore reader = clients.get(uris.indexOf(alive.get(0)));
        List<RecordedEvent> log = readAll(reader);
        long head = log.size();
        assertThat(log.get(log.size() - 1).position()).isEqualTo(head);

        // every acknowledged command exactly once
        Map<String, Integer> byCommand = new HashMap<>();
        for (RecordedEvent e : log) {
          if (e.type().equals("Deposited")) {
            byCommand.merge(e.metadata().toNode().path(Metadata.COMMAND_ID).asText(), 1, Integer::sum);
          }
        }
        for (Ack a : acks) {
          assertThat(byCommand.get(a.commandId().toString())).as("command %s in the log", a.commandId()).isEqualTo(1);
        }

        // the read model on every surviving node equals the balances folded from the log here
        Map<String, Long> folded = new HashMap<>();
        for (RecordedEvent e : log) {
          String account = e.stream().substring(e.stream().indexOf('-') + 1);
          switch (e.type()) {
            case "AccountOpened" -> folded.put(account, 0L);
            case "Deposited" -> folded.merge(account, e.data().toNode().path("amount").asLong(), Long::sum);
            default -> throw new AssertionError("unexpected event " + e.type());
          }
        }
        for (URI u : alive) {
          awaitCaughtUp(cluster, u, head);
          DemoHttp.Reply rows = cluster.get(u, "/projections/" + BALANCES + "/rows");
          Map<String, Long> model = new HashMap<>();
          rows.json().path("balances").forEach(b -> model.put(b.path("accountId").asText(), b.path("balance").asLong()));
          assertThat(model).as("balances on %s", u).isEqualTo(folded);
        }

        // the other read models too, against folds of the same log: each statement's lines (one per event it
        // books, none twice) end at the folded balance; the daily totals; no orders
        Map<String, List<Long>> depositPositions = new HashMap<>();
        java.util.TreeMap<String, long[]> days = new java.util.TreeMap<>();
        for (RecordedEvent e : log) {
          String account = e.stream().substring(e.stream().indexOf('-') + 1);
          long[] day = days.computeIfAbsent(e.effectiveAt().toString().substring(0, 10), d -> new long[2]);
          day[1]++;
          if (e.type().equals("Deposited")) {
            depositPositions.computeIfAbsent(account, a -> new ArrayList<>()).add(e.position());
            day[0] += e.data().toNode().path("amount").asLong();
          }
        }
        URI survivor = alive.get(0);
        awaitCaughtUp(cluster, survivor, head, "bank_statements");
        awaitCaughtUp(cluster, survivor, head, "bank_daily_totals");
        for (Map.Entry<String, Long> account : folded.entrySet()) {
          DemoHttp.Reply st = cluster.get(survivor, "/projections/bank_statements/lines?accountId=" + account.getKey());
          List<Long> deposits = depositPositions.getOrDefault(account.getKey(), List.of());
          if (deposits.isEmpty()) {
            continue;
          }
          assertThat(st.status()).as(String.valueOf(st.json())).isEqualTo(200);
          assertThat(st.json().path("balance").asLong()).as("statement of %s", account.getKey())
              .isEqualTo(account.getValue());
          List<Long> linePositions = new ArrayList<>();
          st.json().path("lines").forEach(l -> linePositions.add(l.path("position").asLong()));
          assertThat(linePositions).as("lines of %s", account.getKey()).doesNotHaveDuplicates().containsAll(deposits);
        }
        DemoHttp.Reply totals = cluster.get(survivor, "/projections/bank_daily_totals/days?from="
            + days.firstKey() + "&to=" + days.lastKey());
        Map<String, List<Long>> modelDays = new HashMap<>();
        totals.json().path("days").forEach(d -> modelDays.put(d.path("day").asText(),
            List.of(d.path("deposits").asLong(), d.path("events").asLong())));
        Map<String, List<Long>> foldedDays = new HashMap<>();
        days.forEach((d, v) -> foldedDays.put(d, List.of(v[0], v[1])));
        assertThat(modelDays).as("daily totals").isEqualTo(foldedDays);
        DemoHttp.Reply orders = cluster.get(survivor, "/projections/bank_orders/counts");
        assertThat(orders.json().path("byStatus").size()).as(String.valueOf(orders.json())).isZero();

        // each surviving node's subscriber saw every position once, in order
        for (URI u : alive) {
          List<Long> positions = seen.get(uris.indexOf(u));
          awaitSize(positions, head);
          for (int i = 0; i < positions.size(); i++) {
            assertThat(positions.get(i)).as("position #%d on %s", i, u).isEqualTo(i + 1L);
          }
        }
        feeds.forEach(Subscription::close);
        clients.forEach(HttpEventStore::close);
        System.out.printf("cluster: %d deposits acknowledged, %d retried answers (%d of them 409 conflicts), head %d,"
            + " projection taken over in %d ms%n", acks.size(), retries.get(), conflicts.get(), head, takeover.toMillis());
      }
      CliRun verify = CliRun.run("verify", "--store", url);
      assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    }
  }

  /** Waits until the nodes agree that one node, not in {@code not}, runs the balances projection. */
  static String awaitRunner(ClusterNodes cluster, List<URI> nodes, Set<String> not, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> named = new java.util.HashSet<>();
      for (URI u : nodes) {
        DemoHttp.Reply r = cluster.get(u, "/projections/" + BALANCES);
        named.add(r.status() == 200 ? r.json().path("runningOn").asText("") : "");
      }
      if (named.size() == 1 && !named.contains("") && !not.contains(named.iterator().next())) {
        return named.iterator().next();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no single node other than " + not + " runs " + BALANCES + " after " + timeout);
  }

  private static void awaitCaughtUp(ClusterNodes cluster, URI node, long head) throws InterruptedException {
    awaitCaughtUp(cluster, node, head, BALANCES);
  }

  private static void awaitCaughtUp(ClusterNodes cluster, URI node, long head, String projection)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    DemoHttp.Reply r;
    do {
      r = cluster.get(node, "/projections/" + projection);
      if (r.status() == 200 && r.json().path("position").asLong() >= head) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(projection + " on " + node + " did not catch up to " + head + ": " + r.json());
  }

  private static void awaitSize(List<Long> positions, long head) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (positions.size() < head && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat((long) positions.size()).isEqualTo(head);
  }

  private static List<RecordedEvent> readAll(HttpEventStore store) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 1000, Filter.all());
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
