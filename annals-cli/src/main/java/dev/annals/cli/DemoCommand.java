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
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code annals demo}: the bank demo (design §7, issue 8). Opens the embedded log in a fresh data
 * directory, serves it over HTTP, seeds the bank's deterministic history, projects it to SQLite, and
 * prints where to look and three answers computed live. Then serves until SIGTERM/SIGINT, or exits
 * with {@code --no-wait}.
 */
@Command(name = "demo", description = "Run the bank demo: seed a history, serve it, print three answers.")
final class DemoCommand implements Callable<Integer> {

  private static final DateTimeFormatter DIR_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Option(names = "--port", defaultValue = "7070", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--data", paramLabel = "DIR",
      description = "a new or empty data directory (default: a new directory under ./.annals-demo/)")
  Optional<Path> data;

  @Option(names = "--no-wait", description = "exit after printing instead of serving until Ctrl-C")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    Path dir = data.orElseGet(() -> Path.of(".annals-demo", DIR_NAME.format(Instant.now()) + "-" + ProcessHandle.current().pid()));
    requireFresh(dir);
    Demo demo;
    try {
      demo = Demo.open(dir, "127.0.0.1", port, System.out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure("cannot start the demo: " + e.getMessage(), 2);
    } catch (IOException e) {
      throw new CliFailure("cannot start the server on port " + port + ": " + e.getMessage()
          + " (another process on it? try --port 0)", 1);
    }
    if (noWait) {
      try (demo) {
        demo.run(SeedConfig.defaults());
      }
      System.out.flush();
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("annals demo: stopping");
      demo.close();
      System.out.println("annals demo: stopped; the data stays in " + dir.toAbsolutePath());
      System.out.flush();
      stopped.countDown();
    }, "annals-demo-shutdown"));
    demo.run(SeedConfig.defaults());
    System.out.println();
    System.out.println("Serving until Ctrl-C.");
    System.out.flush();
    stopped.await();
    return 0;
  }

  private static void requireFresh(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new CliFailure("the demo needs a new or empty data directory; " + dir + " has files", 2);
        }
      }
    } else if (Files.exists(dir)) {
      throw new CliFailure(dir + " is not a directory", 2);
    }
    Files.createDirectories(dir);
  }
}
