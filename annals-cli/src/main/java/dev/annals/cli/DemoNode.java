package dev.annals.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code annals serve --store URL --module bank} server of the cluster demo, in a child JVM of its own
 * (so that killing it is a real {@code kill -9}), its output in a log file.
 */
final class DemoNode implements AutoCloseable {

  private final String name;
  private final URI uri;
  private final Path log;
  private final Process process;

  private DemoNode(String name, URI uri, Path log, Process process) {
    this.name = name;
    this.uri = uri;
    this.log = log;
    this.process = process;
  }

  /** Starts the server on a free loopback port, exporting to Kafka when {@code kafkaExport} is given. */
  static DemoNode start(String name, String storeUrl, Optional<String> kafkaExport, Path logDir) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // its temporary files under logDir, so that they go with it even after a kill -9
    Path tmp = java.nio.file.Files.createDirectories(logDir.resolve(name + "-tmp"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-Dannals.log.level=INFO", "-Djava.io.tmpdir=" + tmp, "-cp", classPath(), Main.class.getName(),
        "serve", "--store", storeUrl, "--module", "bank", "--host", "127.0.0.1", "--port", String.valueOf(port), "--node-name", name));
    kafkaExport.ifPresent(spec -> cmd.addAll(List.of("--kafka-export", spec)));
    if (Runtime.version().feature() >= 24) { // Kafka's clients touch sun.misc.Unsafe: no warning in the log
      cmd.add(1, "--sun-misc-unsafe-memory-access=allow");
    }
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new DemoNode(name, URI.create("http://127.0.0.1:" + port), log, p);
  }

  /** This JVM's class path, absolute, so the child finds it from any directory. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      parts.add(Path.of(p).toAbsolutePath().toString());
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  String name() {
    return name;
  }

  URI uri() {
    return uri;
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the server answers {@code /health} with 200; fails when the process ends first. */
  void awaitHealthy(DemoHttp http, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new CliFailure("server " + name + " exited (status " + process.exitValue() + "); see " + log, 1);
      }
      if (http.get(uri, "/health").status() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new CliFailure("server " + name + " did not answer /health in " + seconds + " s; see " + log, 1);
  }

  /** {@code kill -9}: the server gets no chance to release anything; its database sessions just end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
