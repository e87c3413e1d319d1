package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.client.HttpEventStore;
import dev.annals.core.ImportEvent;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.examples.bank.seed.DemoFacts;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.examples.bank.seed.SeededHistory;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.kafka.KafkaProjectionRunner;
import dev.annals.kafka.KafkaProjectionSettings;
import dev.annals.kafka.local.LocalKafka;
import dev.annals.postgres.LocalPostgres;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The bank, distributed ({@code annals demo --cluster}): a throwaway PostgreSQL (or the given store), an
 * in-process Kafka broker (or the given one), two {@code annals serve} processes on that database, the
 * bank's history seeded through both, the log exported to Kafka by whichever server holds the export lock,
 * and a read model the bank does not host ({@link LargeMovements}) fed from Kafka by a consumer group of
 * two. It prints the three answers as asked of both servers, then kills one and shows the other take over.
 * {@link #close} stops and removes everything it started ({@code keep}: the data stays). One owner.
 */
final class ClusterDemo implements AutoCloseable {

  private static final int SEED_BATCH = 5_000;
  private static final int PARTITIONS = 6;
  private static final int LIVE_DEPOSITS = 20;
  private static final long LIVE_AMOUNT = 250_000;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String GROUP = "annals-demo-large-movements";

  /** What the user chose: an existing store and broker instead of throwaway ones, and whether to keep the data. */
  record Options(Optional<String> storeUrl, Optional<String> bootstrap, boolean keep) {}

  private final Options options;
  private final PrintStream out;
  private final ProgressLine progress;
  private final DemoHttp http = new DemoHttp();
  private final Path work;
  private LocalPostgres postgres;
  private LocalKafka kafka;
  private String storeUrl;
  private String bootstrap;
  private String topic;
  private DemoNode nodeA;
  private DemoNode nodeB;
  private JdbcTarget view;
  private final List<KafkaProjectionRunner<JdbcSession>> members = new ArrayList<>();
  private long head;

  ClusterDemo(Options options, PrintStream out, ProgressLine progress) throws java.io.IOException {
    this.options = options;
    this.out = out;
    this.progress = progress;
    this.work = Files.createTempDirectory("annals-cluster-demo-");
  }

  /** Everything, from starting PostgreSQL to "Where to look". */
  void run() throws Exception {
    long t0 = System.nanoTime();
    startInfrastructure();
    startNodes();
    SeededHistory history = new HistoryGenerator(SeedConfig.defaults()).generate();
    seed(history.events());
    long seeded = System.nanoTime();
    awaitProjections(nodeB, head);
    awaitView(foldThrough(nodeB));
    long ready = System.nanoTime();
    progress.clear();
    printHeader(history, (seeded - t0) / 1e9, (ready - seeded) / 1e9);
    DemoFacts facts = history.facts();
    askBalance(facts);
    String correlationId = askAudit(facts.compensatedTransferId());
    askRebuild(facts.correctedAccountId());
    liveAct(facts);
    printWhereToLook(facts, correlationId);
  }

  private void startInfrastructure() throws Exception {
    if (options.storeUrl().isPresent()) {
      storeUrl = options.storeUrl().get();
    } else {
      progress.show("annals demo: starting PostgreSQL", "initdb, a throwaway server on a free port");
      try {
        postgres = LocalPostgres.start();
      } catch (IllegalStateException | java.io.UncheckedIOException e) {
        throw new CliFailure("cannot start a throwaway PostgreSQL: " + e.getMessage() + "; or give --store"
            + " postgresql://USER@HOST:PORT/DB (an empty database)", 1);
      }
      storeUrl = postgres.url(postgres.createDatabase()).toString();
    }
    if (options.bootstrap().isPresent()) {
      bootstrap = options.bootstrap().get();
    } else {
      progress.show("annals demo: starting Kafka", "an in-process broker on a free port");
      try {
        kafka = LocalKafka.start();
      } catch (IllegalStateException e) {
        throw new CliFailure("cannot start an in-process Kafka: " + e.getMessage() + "; or give --bootstrap"
            + " HOST:PORT", 1);
      }
      bootstrap = kafka.bootstrap();
    }
    topic = "annals-demo-bank-" + UUID.randomUUID().toString().substring(0, 8);
    progress.show("annals demo: creating the topic", topic);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
        "bootstrap.servers", bootstrap, "default.api.timeout.ms", 15_000, "request.timeout.ms", 10_000))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1)))
          .all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CliFailure("cannot create the topic " + topic + " on Kafka at " + bootstrap + ": "
          + e.getCause().getMessage(), 1);
    }
  }

  /**
   * Node A first, until it runs every projection and the export (they go to whoever asks first), then B:
   * so that killing A later shows B taking over.
   */
  private void startNodes() throws Exception {
    Optional<String> export = Optional.of("bootstrap=" + bootstrap + ",topic=" + topic);
    progress.show("annals demo: starting node-a", "annals serve --store ... --kafka-export ...");
    nodeA = DemoNode.start("node-a", storeUrl, export, work);
    nodeA.awaitHealthy(http, 90);
    long existing = http.get(nodeA.uri(), "/head").json().path("head").asLong();
    if (existing > 0) {
      throw new CliFailure("the demo needs an empty store; " + options.storeUrl().orElse("it") + " holds " + existing
          + " events", 2);
    }
    awaitRunner(nodeA, "node-a", Duration.ofSeconds(30));
    progress.show("annals demo: starting node-b", "a second server on the same database");
    nodeB = DemoNode.start("node-b", storeUrl, export, work);
    nodeB.awaitHealthy(http, 90);
    progress.show("annals demo: joining a Kafka consumer group", "two members of " + GROUP);
    view = JdbcTarget.sqlite(Files.createDirectories(work.resolve("kafka-view")));
    KafkaProjectionSettings settings = KafkaProjectionSettings.of(bootstrap, topic, GROUP);
    for (int i = 0; i < 2; i++) {
      members.add(KafkaProjectionRunner.start(LargeMovements.projection(), view, settings));
    }
  }

  private void seed(List<ImportEvent> events) {
    String step = String.format(Locale.ROOT, "annals demo: seeding %,d events through node-a and node-b", events.size());
    try (HttpEventStore a = new HttpEventStore(nodeA.uri()); HttpEventStore b = new HttpEventStore(nodeB.uri())) {
      HttpEventStore[] through = {a, b};
      for (int from = 0, batch = 0; from < events.size(); from += SEED_BATCH, batch++) {
        progress.show(step, String.format(Locale.ROOT, "%,d done", from));
        through[batch % 2].importEvents(events.subList(from, Math.min(events.size(), from + SEED_BATCH)));
      }
    }
    head = http.get(nodeB.uri(), "/head").json().path("head").asLong();
  }

  /** Waits until {@code node} reports every bank projection at {@code position}. */
  private void awaitProjections(DemoNode node, long position) throws InterruptedException {
    String step = "annals demo: projecting into " + BankProjections.NAMES.size() + " read models";
    await(() -> {
      JsonNode all = http.get(node.uri(), "/projections").json().path("projections");
      long min = Long.MAX_VALUE;
      for (JsonNode p : all) {
        if (BankProjections.NAMES.contains(p.path("name").asText())) {
          min = Math.min(min, p.path("position").asLong());
        }
      }
      progress.show(step, String.format(Locale.ROOT, "at %,d of %,d", min == Long.MAX_VALUE ? 0 : min, position));
      return all.size() >= BankProjections.NAMES.size() && min >= position;
    }, "the read models on " + node.name() + " did not reach position " + position);
  }

  /** {@link LargeMovements#fold} of the whole log, read through {@code node}. */
  private static Map<String, LargeMovements.Watch> foldThrough(DemoNode node) {
    try (HttpEventStore log = new HttpEventStore(node.uri())) {
      return LargeMovements.fold(log);
    }
  }

  /** Waits until the Kafka-fed read model equals {@code fold}. */
  private void awaitView(Map<String, LargeMovements.Watch> fold) throws InterruptedException {
    await(() -> {
      progress.show("annals demo: the Kafka-fed view", "consuming " + topic);
      return LargeMovements.rows(view).equals(fold);
    }, "the Kafka-fed view did not converge to its fold of the log");
  }

  private interface Check {
    boolean done() throws Exception;
  }

  private void await(Check check, String failure) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        if (check.done()) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // not there yet (a server restarting, a table not created yet)
      }
      if (System.nanoTime() > deadline) {
        progress.clear();
        throw new CliFailure(failure + " in " + WAIT.toSeconds() + " s; the servers' logs are in " + work, 1);
      }
      Thread.sleep(200);
    }
  }

  /** Waits until {@code name} runs every bank projection, as {@code node} reports it. */
  private void awaitRunner(DemoNode node, String name, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!runners(node).equals(List.of(name))) {
      if (System.nanoTime() > deadline) {
        throw new CliFailure("the projections did not move to " + name + " within " + within.toSeconds()
            + " s (running on " + runners(node) + "); the servers' logs are in " + work, 1);
      }
      Thread.sleep(100);
    }
  }

  /** The distinct servers running the bank's projections, as {@code node} reports them. */
  private List<String> runners(DemoNode node) {
    List<String> names = new ArrayList<>();
    for (JsonNode p : http.get(node.uri(), "/projections").json().path("projections")) {
      String on = p.path("runningOn").asText("none");
      if (BankProjections.NAMES.contains(p.path("name").asText()) && !names.contains(on)) {
        names.add(on);
      }
    }
    return names.size() == 1 ? names : names.isEmpty() ? List.of("none") : names;
  }

  private void printHeader(SeededHistory history, double startSeconds, double projectSeconds) {
    out.printf("Annals bank demo, distributed%n");
    out.printf("  store      %s%s%n", storeUrl, postgres == null ? "" : "  (a throwaway PostgreSQL)");
    out.printf("  kafka      %s, topic %s (%d partitions)%s%n", bootstrap, topic, PARTITIONS,
        kafka == null ? "" : "  (an in-process broker)");
    out.printf("  node-a     %s  (pid %d; runs the projections and the Kafka export)%n", nodeA.uri(), nodeA.pid());
    out.printf("  node-b     %s  (pid %d; standby for both, serves every route)%n", nodeB.uri(), nodeB.pid());
    out.printf(Locale.ROOT, "  seeded     %,d events through both nodes, batches in turn, in %.1f s (with start-up)%n",
        head, startSeconds);
    out.printf(Locale.ROOT, "  projected  %d read models in PostgreSQL, and %s from Kafka by a consumer group of 2,"
        + " in %.1f s%n%n", BankProjections.NAMES.size(), LargeMovements.NAME, projectSeconds);
  }

  private long balance(DemoNode node, String stream, String param, String at) {
    DemoHttp.Reply r = http.get(node.uri(), "/streams/" + stream + "/state?" + param + "=" + at);
    if (r.status() != 200) {
      throw new CliFailure(node.name() + " answered " + r.status() + " for the state of " + stream + ": " + r.json(), 1);
    }
    return r.json().path("state").path("ledger").path("balance").asLong();
  }

  private void askBalance(DemoFacts facts) {
    String stream = AccountDecider.stream(facts.correctedAccountId());
    String at = facts.asOf().toString();
    long[] knownThen = {balance(nodeA, stream, "knownAt", at), balance(nodeB, stream, "knownAt", at)};
    long[] validNow = {balance(nodeA, stream, "validAt", at), balance(nodeB, stream, "validAt", at)};
    out.printf("(a) Account %s on %s, asked of both nodes%n", facts.correctedAccountId(), at);
    out.printf("      %-16s %16s %16s%n", "", "node-a", "node-b");
    out.printf("      %-16s %16s %16s%n", "as known then", Demo.Cents.format(knownThen[0]), Demo.Cents.format(knownThen[1]));
    out.printf("      %-16s %16s %16s%n", "as valid now", Demo.Cents.format(validNow[0]), Demo.Cents.format(validNow[1]));
    requireAgree("(a)", knownThen[0] == knownThen[1] && validNow[0] == validNow[1]);
    out.printf("    Both nodes agree. Known-then and valid-now differ by a fee voided later (./annals demo tells the"
        + " story).%n%n");
  }

  private String askAudit(String transferId) {
    JsonNode first = http.get(nodeA.uri(), "/streams/" + TransferDecider.stream(transferId) + "?limit=1").json()
        .path("events").path(0);
    String correlationId = first.path("metadata").path("correlationId").asText();
    String q = "/audit?correlationId=" + URLEncoder.encode(correlationId, StandardCharsets.UTF_8);
    JsonNode a = http.get(nodeA.uri(), q).json().path("events");
    JsonNode b = http.get(nodeB.uri(), q).json().path("events");
    out.printf("(b) Audit trail of transfer %s (correlationId %s), asked of both nodes: %d and %d events%n",
        transferId, correlationId, a.size(), b.size());
    for (JsonNode e : a) {
      out.printf("      %-8s %-20s %-18s %s%n", e.path("position").asText(), e.path("stream").asText(),
          e.path("type").asText(), e.path("metadata").path("actor").asText("-"));
    }
    requireAgree("(b)", a.size() > 0 && a.equals(b));
    out.printf("    Identical on both nodes, event for event.%n%n");
    return correlationId;
  }

  private void askRebuild(String accountId) throws InterruptedException {
    String name = BankProjections.STATEMENTS;
    String lines = "/projections/" + name + "/lines?accountId=" + accountId;
    long v1 = http.get(nodeA.uri(), lines).json().path("balance").asLong();
    out.printf("(c) Blue/green rebuild of %s (v1 ignores fee reversals), asked of node-b, run by node-a%n", name);
    DemoHttp.Reply started = http.post(nodeB.uri(), "/projections/" + name + "/rebuild");
    if (started.status() != 202) {
      throw new CliFailure("node-b refused the rebuild: " + started.status() + " " + started.json(), 1);
    }
    await(() -> {
      JsonNode r = http.get(nodeB.uri(), "/projections/" + name).json().path("rebuild");
      progress.show("annals demo: rebuilding " + name + " v2", r.path("eventsDone").asLong() + " events done");
      return r.path("caughtUp").asBoolean();
    }, "the rebuild did not catch up");
    progress.clear();
    DemoHttp.Reply promoted = http.post(nodeB.uri(), "/projections/" + name + "/promote");
    if (promoted.status() != 200) {
      throw new CliFailure("node-b could not promote the rebuild: " + promoted.status() + " " + promoted.json(), 1);
    }
    long[] v2 = new long[2];
    int[] version = new int[2];
    DemoNode[] nodes = {nodeA, nodeB};
    // the runner publishes its status to the other servers about every half second
    await(() -> http.get(nodeB.uri(), "/projections/" + name).json().path("version").asInt() == 2,
        "node-b did not show the promoted version");
    for (int i = 0; i < 2; i++) {
      version[i] = http.get(nodes[i].uri(), "/projections/" + name).json().path("version").asInt();
      v2[i] = http.get(nodes[i].uri(), lines).json().path("balance").asLong();
    }
    out.printf("      promoted through node-b; live version: node-a v%d, node-b v%d%n", version[0], version[1]);
    out.printf("      account %s's statement ends at: node-a %s, node-b %s (v1 said %s)%n", accountId,
        Demo.Cents.format(v2[0]), Demo.Cents.format(v2[1]), Demo.Cents.format(v1));
    requireAgree("(c)", version[0] == 2 && version[1] == 2 && v2[0] == v2[1]);
    out.printf("    Both nodes serve v2, from the same tables.%n%n");
  }

  private void requireAgree(String question, boolean agree) {
    if (!agree) {
      throw new CliFailure("the two nodes disagree on " + question + "; the servers' logs are in " + work, 1);
    }
  }

  /** Kills node A, shows B take over, appends through B and checks every read model against its fold. */
  private void liveAct(DemoFacts facts) throws Exception {
    out.printf("Live: node-a is killed (kill -9, pid %d) while it runs the projections and the export%n", nodeA.pid());
    out.flush();
    nodeA.kill();
    long killed = System.nanoTime();
    awaitRunner(nodeB, "node-b", Duration.ofSeconds(30));
    out.printf(Locale.ROOT, "  node-b runs the %d projections %.1f s later (their PostgreSQL locks were freed with"
        + " node-a's connections)%n", BankProjections.NAMES.size(), (System.nanoTime() - killed) / 1e9);
    String account = facts.correctedAccountId();
    long first = 0;
    long last = 0;
    for (int i = 0; i < LIVE_DEPOSITS; i++) {
      DemoHttp.Reply r = http.command(nodeB.uri(), "/commands/bank/deposit",
          "{\"accountId\":\"" + account + "\",\"amount\":" + LIVE_AMOUNT + "}", UUID.randomUUID());
      if (r.status() != 200) {
        throw new CliFailure("node-b refused a deposit: " + r.status() + " " + r.json(), 1);
      }
      last = r.json().path("append").path("lastPosition").asLong();
      first = first == 0 ? r.json().path("append").path("firstPosition").asLong() : first;
    }
    head = http.get(nodeB.uri(), "/head").json().path("head").asLong();
    out.printf(Locale.ROOT, "  %d deposits of %s to %s through node-b: positions %,d..%,d%n", LIVE_DEPOSITS,
        Demo.Cents.format(LIVE_AMOUNT), account, first, last);
    long appended = System.nanoTime();
    awaitProjections(nodeB, head);
    progress.clear();
    out.printf(Locale.ROOT, "  node-b's read models reached position %,d %.1f s later%n", head,
        (System.nanoTime() - appended) / 1e9);
    Map<String, LargeMovements.Watch> fold = foldThrough(nodeB);
    awaitView(fold);
    progress.clear();
    out.printf(Locale.ROOT, "  node-b took over the export; the Kafka-fed view caught up %.1f s after the appends%n",
        (System.nanoTime() - appended) / 1e9);
    int balances = checkBalances();
    out.printf("  read models equal the folds of the log: %s on node-b (%d accounts, each account's state folded),"
        + " %s from Kafka (%d accounts)%n", BankProjections.BALANCES, balances, LargeMovements.NAME, fold.size());
    progress.show("annals demo: restarting node-a", "it comes back as a standby");
    nodeA = DemoNode.start("node-a", storeUrl, Optional.of("bootstrap=" + bootstrap + ",topic=" + topic), work);
    nodeA.awaitHealthy(http, 90);
    progress.clear();
    out.printf("  node-a restarted at %s (pid %d): a standby now, serving every route%n%n", nodeA.uri(), nodeA.pid());
  }

  /** Compares node B's balances read model with each account's folded state; returns how many accounts. */
  private int checkBalances() {
    Map<String, Long> rows = new TreeMap<>();
    for (JsonNode r : http.get(nodeB.uri(), "/projections/" + BankProjections.BALANCES + "/rows").json().path("balances")) {
      rows.put(r.path("accountId").asText(), r.path("balance").asLong());
    }
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      JsonNode state = http.get(nodeB.uri(), "/streams/" + AccountDecider.stream(e.getKey()) + "/state").json();
      long folded = state.path("state").path("ledger").path("balance").asLong();
      if (folded != e.getValue()) {
        throw new CliFailure("the balances read model says " + e.getKey() + " holds " + e.getValue()
            + " but its events fold to " + folded, 1);
      }
    }
    if (rows.isEmpty()) {
      throw new CliFailure("the balances read model on node-b is empty", 1);
    }
    return rows.size();
  }

  private void printWhereToLook(DemoFacts facts, String correlationId) {
    String a = nodeA.uri().toString();
    String b = nodeB.uri().toString();
    String account = AccountDecider.stream(facts.correctedAccountId());
    out.printf("Where to look%n");
    out.printf("  console   %s/#/stream/%s?at=%s  (node-a)%n", a, account, facts.asOf());
    out.printf("  console   %s/#/projections  (node-b: who runs what, lag)%n", b);
    out.printf("  curl '%s/health'   (this node, and every node on the store)%n", b);
    out.printf("  curl '%s/audit?correlationId=%s'%n", a, correlationId);
    out.printf("  curl '%s/projections/%s/rows'%n", b, BankProjections.BALANCES);
    out.printf("  kafka-console-consumer.sh --bootstrap-server %s --topic %s --from-beginning \\%n", bootstrap, topic);
    out.printf("    --isolation-level read_committed --property print.key=true --property print.headers=true%n");
    out.printf("  logs      %s/node-a.log, node-b.log%n", work);
    out.printf("  more in docs/tour.md, section 6%n");
    out.println();
    out.printf("Ctrl-C stops both nodes, the consumer group%s%s and removes what the demo created%s.%n",
        kafka == null ? "" : ", Kafka", postgres == null ? "" : ", PostgreSQL",
        options.keep() ? " (except, with --keep, the data)" : "");
  }

  /** Stops what the demo started, last first; removes what it created unless {@code keep}. */
  @Override
  public void close() {
    close(false);
  }

  /** After a failure: stops everything as {@link #close()} does but keeps the servers' logs, and says where. */
  void closeAfterFailure() {
    close(true);
  }

  private void close(boolean keepLogs) {
    List<String> kept = new ArrayList<>();
    quietly(() -> members.forEach(KafkaProjectionRunner::close));
    quietly(() -> {
      if (view != null) {
        view.close();
      }
    });
    for (DemoNode n : new DemoNode[] {nodeA, nodeB}) {
      if (n != null) {
        quietly(n::close);
      }
    }
    quietly(() -> {
      if (kafka != null) {
        kafka.close();
      }
    });
    quietly(() -> {
      if (postgres == null) {
        return;
      }
      if (options.keep()) {
        postgres.stop(LocalPostgres.StopMode.FAST);
        kept.add("PostgreSQL's data (stopped) in " + postgres.dataDirectory());
      } else {
        postgres.close();
      }
    });
    http.close();
    if (options.keep() || keepLogs) {
      kept.add("the servers' logs and the Kafka-fed view in " + work);
      out.println("annals demo: kept " + String.join("; ", kept));
    } else {
      Directories.deleteQuietly(work);
    }
  }

  private static void quietly(ThrowingRunnable r) {
    try {
      r.run();
    } catch (Exception e) {
      // stopping: each part is stopped whatever the others did
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
