package dev.annals.cli;

import dev.annals.examples.bank.seed.SeedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annals demo}: the bank demo. Opens the embedded log in a fresh data
 * directory, serves it over HTTP, seeds the bank's deterministic history, projects it to SQLite, and
 * prints where to look and three answers computed live. Then serves until SIGTERM/SIGINT, or exits
 * with {@code --no-wait}.
 */
@Command(name = "demo", description = {"Run the bank demo: seed a history, serve it, print three answers.",
    "The store: a new or empty data directory (--data DIR; default: a new directory under ./.annals-demo/), or an"
        + " empty PostgreSQL database (--store URL; the read models then go in a temporary directory)."})
final class DemoCommand implements Callable<Integer> {

  /** The system property logback.xml reads for the root level. */
  static final String LOG_LEVEL = "annals.log.level";
  private static final String DEFAULT_PARENT = ".annals-demo";
  private static final DateTimeFormatter DIR_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Option(names = "--port", defaultValue = "7070", description = "HTTP port; 0 picks a free one (default:"
      + " ${DEFAULT-VALUE}; with --cluster each node takes a free one)")
  int port;

  @Mixin StoreOptions where;

  @Option(names = "--no-wait", description = "exit after printing instead of serving until Ctrl-C")
  boolean noWait;

  @Option(names = "--cluster", description = "the bank distributed: two servers on one PostgreSQL (a throwaway one"
      + " unless --store), the log exported to Kafka (an in-process broker unless --bootstrap), a read model fed"
      + " by a Kafka consumer group; then one server is killed and the other takes over")
  boolean cluster;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "with --cluster: the Kafka broker to use"
      + " instead of an in-process one (the demo creates a topic of its own)")
  Optional<String> bootstrap;

  @Option(names = "--keep", description = "with --cluster: keep the data (PostgreSQL's, the logs) on Ctrl-C")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    // Only what the demo means to say: the server's and projections' INFO/WARN lines (a ProjectionHost
    // start, "no auth file", a promotion) repeat what the demo prints. Read when logging starts, which is
    // after this (nothing before the demo logs); ANNALS_JAVA_OPTS=-Dannals.log.level=INFO brings them back.
    if (System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(LOG_LEVEL, "ERROR");
    }
    if (cluster) {
      return runCluster();
    }
    if (bootstrap.isPresent() || keep) {
      throw new CliFailure((keep ? "--keep" : "--bootstrap") + " goes with --cluster", 2);
    }
    Optional<StoreLocation> given = where.location();
    boolean defaultDir = given.isEmpty();
    StoreLocation location = given.orElseGet(() -> new StoreLocation.DataDirectory(
        Path.of(DEFAULT_PARENT, DIR_NAME.format(Instant.now()) + "-" + ProcessHandle.current().pid())));
    Fresh fresh = location instanceof StoreLocation.DataDirectory d ? requireFresh(d.dir()) : Fresh.NOTHING;
    Demo demo;
    try {
      demo = Demo.open(location, "127.0.0.1", port, System.out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      fresh.undo(defaultDir);
      throw new CliFailure("cannot start the demo: " + e.getMessage(), 2);
    } catch (IOException e) {
      fresh.undo(defaultDir);
      throw new CliFailure("cannot start the server on port " + port + ": " + e.getMessage()
          + " (another process on it? try --port 0)", 1);
    }
    AtomicBoolean ready = new AtomicBoolean();
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    ProgressLine progress = ProgressLine.onStderr();
    Thread hook = new Thread(() -> {
      stopping.set(true);
      progress.clear();
      System.out.println("annals demo: stopping");
      demo.close();
      if (ready.get()) {
        System.out.println("annals demo: stopped; the data stays in " + location.describe());
      } else {
        fresh.undo(defaultDir);
        System.out.println("annals demo: stopped before the demo was ready; " + (fresh == Fresh.NOTHING
            ? "what it seeded stays in " + location.describe() : "removed " + fresh.dir().toAbsolutePath()));
      }
      System.out.flush();
      stopped.countDown();
    }, "annals-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      demo.run(SeedConfig.defaults(), progress);
      ready.set(true);
    } catch (Exception e) {
      if (stopping.get()) {
        stopped.await(); // Ctrl-C: the hook says what happened and the JVM is exiting
        return 130;
      }
      Runtime.getRuntime().removeShutdownHook(hook);
      progress.clear();
      demo.close();
      fresh.undo(defaultDir);
      throw e;
    }
    return serveUntilStopped(hook, demo, stopped);
  }

  /** {@code --cluster}: runs {@link ClusterDemo}, then waits for Ctrl-C (or not, with --no-wait) and cleans up. */
  private int runCluster() throws Exception {
    Optional<String> store = Optional.empty();
    Optional<StoreLocation> given = where.location();
    if (given.isPresent()) {
      if (!(given.get() instanceof StoreLocation.PostgresUrl pg)) {
        throw new CliFailure("--cluster runs on PostgreSQL: give --store postgresql://..., or nothing for a throwaway"
            + " one", 2);
      }
      store = Optional.of(pg.url().toString());
    }
    ClusterDemo demo = new ClusterDemo(new ClusterDemo.Options(store, bootstrap, keep), System.out,
        ProgressLine.onStderr());
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping.set(true);
      System.out.println("annals demo: stopping");
      demo.close();
      System.out.println("annals demo: stopped");
      System.out.flush();
      stopped.countDown();
    }, "annals-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      demo.run();
    } catch (Exception e) {
      if (stopping.get()) {
        stopped.await();
        return 130;
      }
      Runtime.getRuntime().removeShutdownHook(hook);
      demo.closeAfterFailure();
      throw e;
    }
    return serveUntilStopped(hook, demo, stopped);
  }

  /** After the answers: exits now (--no-wait) or serves until Ctrl-C, whose hook stops the demo. */
  private int serveUntilStopped(Thread hook, AutoCloseable demo, CountDownLatch stopped) throws Exception {
    if (noWait) {
      Runtime.getRuntime().removeShutdownHook(hook);
      demo.close();
      System.out.flush();
      return 0;
    }
    System.out.println();
    System.out.println("Serving until Ctrl-C.");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Whether the demo made its directory or found it empty: what to remove again if it fails. */
  private record Fresh(Path dir, boolean made) {

    /** A store in a database: the demo checks it is empty (see {@link Demo#open}) and removes nothing. */
    static final Fresh NOTHING = new Fresh(Path.of(""), false);

    /** Removes what the demo wrote: the directory it made (and an emptied ./.annals-demo/), or the contents of the empty one it was given. */
    void undo(boolean defaultDir) {
      if (this == NOTHING) {
        return;
      }
      if (made) {
        Directories.deleteQuietly(dir);
        if (defaultDir) {
          try {
            Files.deleteIfExists(dir.getParent()); // only when empty: the first demo here made it
          } catch (IOException e) {
            // other runs are kept there
          }
        }
        return;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        entries.forEach(Directories::deleteQuietly);
      } catch (IOException e) {
        // nothing more to do: the error that ended the demo is what the user needs to read
      }
    }
  }

  private static Fresh requireFresh(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new CliFailure("the demo needs a new or empty data directory; " + dir + " has files", 2);
        }
      }
      return new Fresh(dir, false);
    } else if (Files.exists(dir)) {
      throw new CliFailure(dir + " is not a directory", 2);
    }
    Files.createDirectories(dir);
    return new Fresh(dir, true);
  }
}
