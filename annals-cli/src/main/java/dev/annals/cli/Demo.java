package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.ImportEvent;
import dev.annals.core.Metadata;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.StateQueries;
import dev.annals.cqrs.projection.Comparison;
import dev.annals.examples.bank.BankCodecs;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.account.AccountEvent;
import dev.annals.examples.bank.account.AccountState;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.examples.bank.seed.DemoFacts;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.examples.bank.seed.SeededHistory;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.core.EventStore;
import dev.annals.module.ServerModule;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.projections.ProjectionHost;
import dev.annals.server.projections.ProjectionSnapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bank demo as a running thing: the embedded log in a fresh data directory, the HTTP server over
 * it hosting the bank module, the seeded history, the read models as the server's projections on
 * SQLite (the same ones {@code GET /projections} and the console show), and the three answers computed
 * live. {@link #start} does the work and prints as it goes; {@link #close} stops everything. The
 * answers are returned as values so a test can check them against its own fold of the raw events.
 * Not thread-safe (one owner: the demo command or a test).
 */
final class Demo implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int SEED_BATCH = 5_000;

  /** (a): one account's balance at {@code asOf}, as known then and as valid now. */
  record BalanceAnswer(String accountId, Instant asOf, long knownThen, long validNow, long feeAmount,
      String feeEventId, Instant feeChargedAt, String correctionEventId, Instant correctionRecordedAt,
      Instant correctionEffectiveAt) {}

  /** One event of an audit trail. */
  record TrailEvent(long position, Instant recordedAt, Instant effectiveAt, String stream, String type,
      String actor, String causationId, String id) {}

  /** (b): every event carrying one correlationId, in log order. */
  record AuditAnswer(String transferId, String correlationId, List<TrailEvent> events) {}

  /** (c): the blue/green rebuild of the statements, v1 (buggy) to v2. */
  record RebuildAnswer(List<ProjectionSnapshot.Rebuild> progress, Comparison comparison, int liveVersionAfter,
      long correctedAccountBalanceV1, long correctedAccountBalanceV2) {}

  record Answers(BalanceAnswer balance, AuditAnswer audit, RebuildAnswer rebuild) {}

  private final StoreLocation where;
  private final EventStore store;
  private final AnnalsServer server;
  private final ProjectionHost projections;
  private final PrintStream out;
  private Optional<Answers> answers = Optional.empty();
  private long events;

  private Demo(StoreLocation where, EventStore store, AnnalsServer server, PrintStream out) {
    this.where = where;
    this.store = store;
    this.server = server;
    this.projections = server.projections();
    this.out = out;
  }

  /**
   * Opens the store in {@code dataDir}, starts the server on {@code host:port} (0: any free port)
   * with the bank module (the only one it enables); its projections run in the server, on SQLite in
   * {@link ServeCommand#projectionsDir ServeCommand.projectionsDir(dataDir)}. That is the layout of
   * {@code annals serve --data DIR}, so {@code serve --data dataDir --module bank} serves this run's
   * log and its projections (the promoted statements v2 included).
   */
  static Demo open(Path dataDir, String host, int port, PrintStream out) throws Exception {
    return open(new StoreLocation.DataDirectory(dataDir), host, port, out);
  }

  /**
   * Opens the store at {@code where} and serves it as {@link #open(Path, String, int, PrintStream)} does;
   * over a PostgreSQL store the projections' SQLite database is a temporary one, as under
   * {@code annals serve --store}.
   */
  static Demo open(StoreLocation where, String host, int port, PrintStream out) throws Exception {
    StoreFactory.Opened opened = new DefaultStores().open(where, "always");
    EventStore store = opened.store();
    if (!(where instanceof StoreLocation.DataDirectory) && store.headPosition() > 0) { // a directory is checked empty before
      store.close();
      throw new IllegalArgumentException("the demo needs an empty store; " + opened.description() + " is not");
    }
    AnnalsServer server;
    try {
      server = new AnnalsServer(store, ServerConfig.defaults().withHost(host).withPort(port).withEngine(where.engine()),
          opened.verifier(), ServerModule.select(ServerModule.installed(), List.of("bank")),
          where instanceof StoreLocation.DataDirectory d ? Optional.of(ServeCommand.projectionsDir(d.dir())) : Optional.empty());
      server.start();
    } catch (Exception e) {
      store.close();
      throw e;
    }
    if (!server.projections().names().containsAll(BankProjections.NAMES)) {
      server.stop();
      store.close();
      throw new IllegalStateException("the bank module is not installed: the server hosts " + server.projections().names());
    }
    return new Demo(where, store, server, out);
  }

  AnnalsServer server() {
    return server;
  }

  Optional<Answers> answers() {
    return answers;
  }

  /** Seeds the history, projects it, computes and prints the three answers. */
  Answers run(SeedConfig config) throws Exception {
    return run(config, ProgressLine.none());
  }

  /**
   * Seeds the history, projects it, computes and prints the three answers; while seeding and projecting
   * (the long, silent part) says how far it is on {@code progress}, erased before the answers.
   */
  Answers run(SeedConfig config, ProgressLine progress) throws Exception {
    long t0 = System.nanoTime();
    progress.show("annals demo: generating the bank's history", "");
    SeededHistory history = new HistoryGenerator(config).generate();
    List<ImportEvent> all = history.events();
    String seeding = String.format(Locale.ROOT, "annals demo: seeding %,d events", all.size());
    for (int from = 0; from < all.size(); from += SEED_BATCH) {
      progress.show(seeding, String.format(Locale.ROOT, "%,d done", from));
      store.importEvents(all.subList(from, Math.min(all.size(), from + SEED_BATCH)));
    }
    events = store.headPosition();
    long seeded = System.nanoTime();
    String projecting = String.format(Locale.ROOT, "annals demo: projecting them into %d read models",
        BankProjections.NAMES.size());
    long deadline = seeded + WAIT.toNanos();
    // said even when the read models kept up with the seeding, so the steps are the same on every run
    progress.show(projecting, String.format(Locale.ROOT, "to position %,d", events));
    for (String name : BankProjections.NAMES) {
      while (!projections.awaitPosition(name, events, Duration.ofMillis(250))) {
        progress.show(projecting, String.format(Locale.ROOT, "%s at %,d of %,d", name,
            projections.status(name).position(), events));
        if (System.nanoTime() > deadline) {
          progress.clear();
          throw new CliFailure("projection " + name + " did not catch up in " + WAIT.toSeconds() + " s", 1);
        }
      }
    }
    long projected = System.nanoTime();
    progress.clear();
    printHeader(history, seeded - t0, projected - seeded);
    DemoFacts facts = history.facts();
    BalanceAnswer balance = balanceAnswer(facts);
    printBalance(balance);
    AuditAnswer audit = auditAnswer(facts.compensatedTransferId());
    printAudit(audit);
    RebuildAnswer rebuild = rebuild(facts.correctedAccountId());
    printWhereToLook(facts, audit);
    Answers a = new Answers(balance, audit, rebuild);
    answers = Optional.of(a);
    return a;
  }

  private void printHeader(SeededHistory history, long seedNanos, long projectNanos) throws Exception {
    out.printf("Annals bank demo%n");
    out.println(where instanceof StoreLocation.DataDirectory d ? "  data       " + d.dir().toAbsolutePath()
        : "  store      " + where.describe());
    out.printf("  server     %s  (no auth: loopback only)%n", server.uri());
    out.printf("  seeded     %,d events (%d accounts, %s .. %s) in %.1f s%n", events,
        history.events().stream().filter(e -> e.event().type().equals("AccountOpened")).count(), history.events().getFirst().recordedAt().toString().substring(0, 10),
        history.events().getLast().recordedAt().toString().substring(0, 10), seedNanos / 1e9);
    int balances = projections.query(BankProjections.BALANCES, "rows", Map.of()).path("balances").size();
    Map<String, Long> byStatus = new LinkedHashMap<>();
    projections.query(BankProjections.ORDERS, "counts", Map.of()).path("byStatus").properties()
        .forEach(e -> byStatus.put(e.getKey(), e.getValue().asLong()));
    out.printf("  projected  balances (%d rows), statements v1, daily totals, orders by status %s in %.1f s"
        + " (in the server: GET /projections)%n", balances, byStatus, projectNanos / 1e9);
    out.println();
  }

  private BalanceAnswer balanceAnswer(DemoFacts facts) {
    String stream = AccountDecider.stream(facts.correctedAccountId());
    StateQueries<AccountState, AccountEvent> queries =
        new StateQueries<>(store, BankCodecs.accounts(), AccountDecider.decider().fold());
    long knownThen = queries.stateKnownAt(stream, facts.asOf()).balance();
    long validNow = queries.stateValidAt(stream, facts.asOf()).balance();
    RecordedEvent correction = readStream(stream).stream()
        .filter(e -> revokes(e, facts.wrongFeeEventId().toString())).findFirst()
        .orElseThrow(() -> new IllegalStateException("no event revokes the wrong fee " + facts.wrongFeeEventId()));
    return new BalanceAnswer(facts.correctedAccountId(), facts.asOf(), knownThen, validNow, facts.wrongFeeAmount(),
        facts.wrongFeeEventId().toString(), facts.feeChargedAt(), correction.id().toString(), correction.recordedAt(),
        correction.effectiveAt());
  }

  private static boolean revokes(RecordedEvent e, String id) {
    JsonNode revokes = e.metadata().toNode().path(Metadata.REVOKES);
    for (JsonNode r : revokes) {
      if (r.asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private void printBalance(BalanceAnswer a) {
    out.printf("(a) Account %s on %s%n", a.accountId(), a.asOf());
    out.printf("      as known then   %s%n", Cents.format(a.knownThen()));
    out.printf("      as valid now    %s%n", Cents.format(a.validNow()));
    out.printf("    They differ by %s: a fee charged in error (event id %s, recorded %s),%n",
        Cents.format(a.validNow() - a.knownThen()), a.feeEventId(), a.feeChargedAt());
    out.printf("    voided by a correction recorded %s (after the question's time) that revokes it,%n",
        a.correctionRecordedAt());
    out.printf("    effective %s. Known-then replays what was recorded by then; valid-now drops the%n",
        a.correctionEffectiveAt());
    out.printf("    revoked fee and books the correction at its effective time.%n%n");
  }

  private AuditAnswer auditAnswer(String transferId) {
    RecordedEvent first = readStream(TransferDecider.stream(transferId)).getFirst();
    String correlationId = first.metadata().toNode().path(Metadata.CORRELATION_ID).asText();
    List<TrailEvent> trail = new ArrayList<>();
    long from = 1;
    while (true) {
      Page page = store.readAll(from, Direction.FORWARD, 10_000, Filter.all());
      for (RecordedEvent e : page.events()) {
        JsonNode meta = e.metadata().toNode();
        if (correlationId.equals(meta.path(Metadata.CORRELATION_ID).asText(null))) {
          trail.add(new TrailEvent(e.position(), e.recordedAt(), e.effectiveAt(), e.stream(), e.type(),
              meta.path(Metadata.ACTOR).asText("-"), meta.path(Metadata.CAUSATION_ID).asText("-"), e.id().toString()));
        }
      }
      if (page.end()) {
        break;
      }
      from = page.next();
    }
    return new AuditAnswer(transferId, correlationId, trail);
  }

  private void printAudit(AuditAnswer a) {
    out.printf("(b) Audit trail of transfer %s (correlationId %s), %d events:%n", a.transferId(), a.correlationId(),
        a.events().size());
    String row = "      %-8s  %-20s  %-18s  %-18s  %-24s  %s%n";
    out.printf(row, "position", "recordedAt", "stream", "type", "actor", "causationId");
    for (TrailEvent e : a.events()) {
      out.printf(row, e.position(), e.recordedAt(), e.stream(), e.type(), e.actor(), e.causationId());
    }
    out.println();
  }

  /** Runs the rebuild through the server's projection host: the same calls as the /projections routes. */
  private RebuildAnswer rebuild(String accountId) throws Exception {
    String name = BankProjections.STATEMENTS;
    out.printf("(c) Blue/green rebuild: %s v1 ignores fee reversals (a deliberate bug); v2 books them.%n", name);
    long v1Balance = lastStatementBalance(accountId);
    projections.rebuild(name);
    List<ProjectionSnapshot.Rebuild> progress = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      boolean done = projections.awaitRebuildCaughtUp(name, Duration.ofMillis(400));
      ProjectionSnapshot.Rebuild p = projections.status(name).rebuild().orElseThrow();
      progress.add(p);
      out.printf("      v2 %7d done  %7d to go  %8.0f events/s  ETA %s%n", p.eventsDone(), p.eventsToGo(),
          p.eventsPerSecond(), done ? "0 s (caught up)"
              : p.eta().map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).orElse("-"));
      if (done) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new CliFailure("the rebuild did not catch up in " + WAIT.toSeconds() + " s", 1);
      }
    }
    ProjectionSnapshot promoted = projections.promote(name, false);
    Comparison comparison = promoted.rebuild().flatMap(ProjectionSnapshot.Rebuild::comparison).orElseThrow();
    printComparison(comparison);
    int live = promoted.version();
    long v2Balance = lastStatementBalance(accountId);
    out.printf("    Promoted: %s v%d is live (v1 dropped). Account %s's statement now ends at %s (v1 said %s).%n%n",
        name, live, accountId, Cents.format(v2Balance), Cents.format(v1Balance));
    return new RebuildAnswer(progress, comparison, live, v1Balance, v2Balance);
  }

  private void printComparison(Comparison c) {
    // The stored checkpoints differ (a version stores its position only with a batch it commits, and the
    // two commit at different moments), so the lines say what they are and that both read the whole log.
    out.printf(Locale.ROOT, "    Compare v1 (live) with v2 (shadow); both have read the log to its head, position %,d%n", events);
    out.printf(Locale.ROOT, "    (stored checkpoints: v1 %,d, v2 %,d; each stores one only with a batch of its own events):%n",
        c.livePosition(), c.shadowPosition());
    for (Comparison.TableComparison t : c.tables()) {
      out.printf("      %-20s rows v1 %d, v2 %d%s%n", t.table(), t.liveRows(), t.shadowRows(),
          t.identical() ? ", identical" : "");
      t.onlyInLive().forEach(r -> out.printf("        only in v1: %s%n", shorten(r)));
      t.onlyInShadow().forEach(r -> out.printf("        only in v2: %s%n", shorten(r)));
    }
  }

  /** A sample row without the columns that say nothing here, so it fits a terminal line better. */
  private static String shorten(String row) {
    return row.replaceAll(", (position|recorded_at|effective_at)=[^,]*", "");
  }

  private long lastStatementBalance(String accountId) throws Exception {
    return projections.query(BankProjections.STATEMENTS, "lines", Map.of("accountId", accountId)).path("balance")
        .asLong();
  }

  private void printWhereToLook(DemoFacts facts, AuditAnswer audit) {
    String u = server.uri().toString().replaceAll("/$", "");
    String account = AccountDecider.stream(facts.correctedAccountId());
    out.printf("Where to look%n");
    out.printf("  console   %s/#/stream/%s?at=%s  (as known then vs as valid now, with a chart)%n", u, account,
        facts.asOf());
    out.printf("  curl '%s/streams/%s?knownAt=%s'%n", u, account, facts.asOf());
    out.printf("  curl '%s/streams/%s?validAt=%s'%n", u, account, facts.asOf());
    out.printf("  curl '%s/audit?correlationId=%s'%n", u, audit.correlationId());
    out.printf("  curl '%s/projections'%n", u);
    out.printf("  curl '%s/projections/%s/lines?accountId=%s'%n", u, BankProjections.STATEMENTS, facts.correctedAccountId());
    out.printf("  ./annals tail --server %s --from %d%n", u, Math.max(1, events - 4));
    out.println("  after Ctrl-C: ./annals serve " + (where instanceof StoreLocation.PostgresUrl pg ? "--store " + pg.url()
        : where instanceof StoreLocation.DataDirectory d ? "--data " + d.dir().toAbsolutePath() : "--in-memory")
        + " --module bank");
    out.printf("  more in docs/tour.md%n");
  }

  private List<RecordedEvent> readStream(String stream) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page page = store.readStream(stream, from, Direction.FORWARD, 10_000);
      out.addAll(page.events());
      if (page.end()) {
        return out;
      }
      from = page.next();
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      out.println("annals demo: error while stopping the server: " + e);
    }
    store.close();
  }

  /** Amounts in cents, printed as money. */
  static final class Cents {
    private Cents() {}

    static String format(long cents) {
      String sign = cents < 0 ? "-" : "";
      long abs = Math.abs(cents);
      return String.format("%s%,d.%02d", sign, abs / 100, abs % 100);
    }
  }
}
