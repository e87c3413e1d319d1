package dev.annals.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code annals kafka-export …} in a child JVM (the test classpath, the CLI's Main), logging as the shipped
 * CLI does (its logback.xml, not a test configuration), its output collected line by line.
 */
final class ExportProcess implements AutoCloseable {

  final Process process;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  ExportProcess(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=logback.xml",
        "-D" + ProgressLine.TERMINAL_PROPERTY + "=false", "-cp", System.getProperty("java.class.path"), "dev.annals.cli.Main",
        "kafka-export"));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    reader = Thread.ofVirtual().start(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
  }

  /**
   * Waits until the command says it exports (its checks passed, its first transaction is next); false when
   * it ended first or {@code seconds} passed.
   */
  boolean awaitExporting(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline && process.isAlive()) {
      synchronized (lines) {
        if (lines.stream().anyMatch(l -> l.startsWith("annals: exporting "))) {
          return true;
        }
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Waits for the process to end and for its output to be read. */
  boolean awaitExit(long seconds) throws InterruptedException {
    boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
    reader.join(5_000);
    return ended;
  }

  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!awaitExit(30)) {
      throw new AssertionError("the exporter process did not die");
    }
  }

  /** SIGTERM (a clean stop), then SIGKILL if it has not ended within 20 s. */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    if (!awaitExit(30)) {
      throw new AssertionError("the exporter process did not end");
    }
  }
}
