package dev.annals.cli;

import dev.annals.core.InvalidInputException;
import dev.annals.kafka.ExportSettings;
import dev.annals.log.LogOptions;
import dev.annals.module.ServerModule;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.kafka.KafkaExportHost;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresReadModels;
import dev.annals.server.projections.ReadModelTargets;
import dev.annals.server.projections.SharedReadModels;
import dev.annals.server.projections.SqliteReadModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code annals serve}: the HTTP server over a store. Runs until SIGTERM/SIGINT, then shuts down
 * gracefully: stops accepting, lets in-flight requests (appends) finish, sends SSE subscribers a final
 * {@code shutdown} event, and closes the store.
 */
@Command(name = "serve", description = {"Serve the HTTP API (docs/http-api.md) over a store: a data directory"
    + " (--data DIR, created if absent; default: " + ServeCommand.DEFAULT_DATA + " in the working directory), a PostgreSQL"
    + " database (--store URL; the store's tables are created there on first use) or memory (--in-memory).",
    "The modules' read models live in SQLite in DIR/projections with --data; with --store, in the same PostgreSQL"
    + " database (schema <store schema>_rm), shared by every server on that store, each projection run by one of them;"
    + " with --in-memory, in a temporary directory deleted at stop."})
final class ServeCommand implements Callable<Integer> {

  /** The data directory {@code serve} uses without {@code --data}, in the working directory. */
  static final String DEFAULT_DATA = "annals-data";

  @Mixin StoreOptions where;

  @Option(names = "--in-memory", description = "a throwaway store in memory instead: every event is lost when the server stops")
  boolean inMemory;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "7070", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--fsync", defaultValue = "always", paramLabel = "MODE",
      description = "always | interval:<ms> | never (default: ${DEFAULT-VALUE}); a data directory's only")
  String fsync;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--auth", paramLabel = "FILE", description = "API keys file (see docs/http-api.md); absent: loopback only, no auth")
  Optional<Path> auth;

  @Option(names = "--insecure", description = "allow a non-loopback --host without --auth")
  boolean insecure;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "serve HTTPS with this PKCS12/JKS keystore")
  Optional<Path> tlsKeystore;

  @Option(names = "--tls-password-env", paramLabel = "VAR", defaultValue = "ANNALS_TLS_PASSWORD",
      description = "environment variable holding the keystore password (default: ${DEFAULT-VALUE})")
  String tlsPasswordEnv;

  @Option(names = "--node-name", paramLabel = "NAME", description = "this server's name among the servers sharing one"
      + " PostgreSQL store (projection status, /health); default: HOST:PORT as bound")
  Optional<String> nodeName;

  @Option(names = "--max-request-bytes", defaultValue = "67108864", description = "largest request body (default: ${DEFAULT-VALUE})")
  long maxRequestBytes;

  @Option(names = "--module", paramLabel = "NAME", split = ",",
      description = "run this installed domain module (its state folds, projections and commands); repeatable or"
          + " comma-separated; default: none")
  List<String> modules = new ArrayList<>();

  @Option(names = "--rate-limit", paramLabel = "RPS",
      description = "requests per second per API key (per remote address without --auth), bursts of up to RPS; default: no limit")
  Optional<Double> rateLimit;

  @Option(names = "--kafka-export", paramLabel = "SPEC",
      description = {"also export the store to Kafka, exactly once (docs/kafka.md):",
          "  bootstrap=HOST:PORT,topic=NAME[,progress-topic=NAME][,transaction-size=N][,kafka.PROPERTY=VALUE...]",
          "its state is in /health, /metrics and the console; a failed export does not stop the server (it is",
          "  started again, every 30 s at most)"})
  Optional<String> kafkaExport;

  private final StoreFactory stores;

  ServeCommand() {
    this(new DefaultStores());
  }

  ServeCommand(StoreFactory stores) {
    this.stores = stores;
  }

  /**
   * Where the modules' projections (SQLite) live for a data directory: beside the log, in
   * {@code DIR/projections} (the log ignores files it did not write). The demo keeps its run's
   * projections there too, so {@code serve --data} on a demo's directory finds them.
   */
  /**
   * Where the modules' read models live: beside a PostgreSQL store in its database (shared by every server
   * on the store; projections led through the store's advisory-lock roles), else SQLite in the data directory
   * (or a temporary one).
   */
  private static ReadModelTargets readModels(StoreFactory.Opened opened, Optional<Path> dataDir) {
    if (opened.stored() instanceof PostgresEventStore pg) {
      return new SharedReadModels(() -> {
        PostgresReadModels.Target t = PostgresReadModels.target(pg);
        return new SharedReadModels.Opened(t.target(), t.dialect());
      }, pg::tryAcquireRole, "the store's PostgreSQL database");
    }
    return new SqliteReadModels(dataDir.map(ServeCommand::projectionsDir));
  }

  static Path projectionsDir(Path dataDir) {
    return dataDir.resolve("projections");
  }

  /**
   * Where the store is: {@code --data}, {@code --store} or {@code --in-memory} (one of them), by default
   * {@link #DEFAULT_DATA}; refuses {@code --fsync} for a store that has no disk of its own to fsync.
   */
  StoreLocation location() {
    Optional<String> given = where.given();
    if (inMemory && given.isPresent()) {
      throw new CliFailure(StoreOptions.notBoth(given.get(), "--in-memory"), 2);
    }
    StoreLocation location = inMemory ? new StoreLocation.InMemory()
        : where.location().orElseGet(() -> new StoreLocation.DataDirectory(Path.of(DEFAULT_DATA)));
    if (spec.commandLine().getParseResult().hasMatchedOption("--fsync")) {
      if (location instanceof StoreLocation.InMemory) {
        throw new CliFailure("--fsync does not go with --in-memory: that store writes nothing to disk, so there is nothing"
            + " to fsync", 2);
      }
      if (location instanceof StoreLocation.PostgresUrl) {
        throw new CliFailure("--fsync does not go with --store: PostgreSQL makes each commit durable itself (its"
            + " fsync and synchronous_commit settings)", 2);
      }
    }
    return location;
  }

  @Override
  public Integer call() throws Exception {
    try {
      LogOptions.defaults().withFsync(fsync);
    } catch (InvalidInputException e) {
      throw new CliFailure("--fsync: " + e.getMessage(), 2);
    }
    StoreLocation location = location();
    Optional<Path> dataDir = location instanceof StoreLocation.DataDirectory d ? Optional.of(d.dir()) : Optional.empty();
    ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port).withInsecure(insecure)
        .withMaxRequestBytes(maxRequestBytes).withEngine(location.engine());
    if (auth.isPresent()) {
      try {
        config = config.withApiKeys(ApiKeys.load(auth.get()));
      } catch (IllegalArgumentException | java.io.IOException e) {
        throw new CliFailure("cannot use the auth file: " + e.getMessage(), 2);
      }
    }
    if (rateLimit.isPresent()) {
      try {
        config = config.withRateLimit(new ServerConfig.RateLimit(rateLimit.get(),
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rateLimit.get())))));
      } catch (IllegalArgumentException e) {
        throw new CliFailure("--rate-limit: " + e.getMessage(), 2);
      }
    }
    if (nodeName.isPresent()) {
      try {
        config = config.withNodeName(nodeName.get());
      } catch (IllegalArgumentException e) {
        throw new CliFailure("--node-name: " + e.getMessage(), 2);
      }
    }
    if (tlsKeystore.isPresent()) {
      String password = Optional.ofNullable(System.getenv(tlsPasswordEnv)).orElseThrow(
          () -> new CliFailure("--tls-keystore needs the keystore password in $" + tlsPasswordEnv, 2));
      config = config.withTls(new ServerConfig.Tls(tlsKeystore.get(), password));
    }
    Optional<ExportSettings> export;
    try {
      export = kafkaExport.map(ExportSettings::parse);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--kafka-export: " + e.getMessage(), 2);
    }
    List<ServerModule> selected;
    try {
      selected = ServerModule.select(ServerModule.installed(), modules);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--module: " + e.getMessage(), 2);
    }
    // a data directory this run makes is removed again if the server does not start (a refused --host,
    // a port in use), so a failed start leaves nothing behind
    Optional<Path> made = dataDir.filter(d -> !Files.exists(d));
    StoreFactory.Opened opened = stores.open(location, fsync);
    AnnalsServer server;
    try {
      server = new AnnalsServer(opened.store(), config, opened.verifier(), selected,
          readModels(opened, dataDir),
          export.map(settings -> new KafkaExportHost(opened.stored(), settings)));
      server.start();
    } catch (IllegalArgumentException e) {
      opened.store().close();
      made.ifPresent(Directories::deleteQuietly);
      throw new CliFailure(e.getMessage(), 2);
    } catch (Exception e) {
      opened.store().close();
      made.ifPresent(Directories::deleteQuietly);
      throw new CliFailure("cannot start the server: " + e.getMessage(), 1);
    }
    System.out.println("annals: serving " + opened.description() + " on " + server.uri()
        + (selected.isEmpty() ? "" : " with module" + (selected.size() > 1 ? "s " : " ")
            + String.join(", ", selected.stream().map(ServerModule::name).toList()))
        + export.map(e -> ", exporting to Kafka topic " + e.topic() + " at " + e.bootstrap()).orElse("")
        + (config.apiKeys().isEmpty() ? " (no auth file: loopback only" + (insecure ? ", --insecure" : "") + ")" : ""));
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      System.out.println("annals: stopping (in-flight requests finish, subscribers get a final event)");
      System.out.flush();
      try {
        server.stop();
      } catch (Exception e) {
        System.err.println("annals: error while stopping: " + e);
      } finally {
        opened.store().close();
        System.out.println("annals: stopped; the store is closed");
        System.out.flush();
        stopped.countDown();
      }
    }, "annals-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return 0;
  }
}
