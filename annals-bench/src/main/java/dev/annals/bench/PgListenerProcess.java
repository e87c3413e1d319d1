package dev.annals.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PgLiveListener} in a child JVM (this JVM's java, class path and nothing else), its stdout read
 * line by line, its stderr kept in a file for the error message. {@link #close()} kills it if it is
 * still running. One owner thread.
 */
final class PgListenerProcess implements AutoCloseable {

  private final Process process;
  private final Path stderr;
  private final Path deliveries;
  private final int total;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /** Starts the child with {@code mode URL TOTAL SECONDS FILE} and waits until it says it listens. */
  PgListenerProcess(Path dir, String mode, String url, int total, long seconds) throws IOException, InterruptedException {
    this.stderr = dir.resolve("listener-" + mode + ".err");
    this.deliveries = dir.resolve("deliveries-" + mode + ".txt");
    this.total = total;
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), PgLiveListener.class.getName(), mode, url,
        Integer.toString(total), Long.toString(seconds), deliveries.toString()));
    this.process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    Thread.ofVirtual().name("pg-listener-stdout").start(this::pump);
    String first = await("ready", 60);
    if (!first.equals("ready")) {
      throw failed("did not get ready: " + first);
    }
  }

  /**
   * Waits (up to {@code seconds}) for the child's result: when each send (by number) was delivered, wall
   * clock microseconds. Every send came once (and, from a store, in order), or this throws.
   */
  long[] delivered(long seconds) throws IOException, InterruptedException {
    String line = await("its result", seconds);
    if (!line.startsWith("result ")) {
      throw failed(line);
    }
    return PgLiveListener.read(deliveries, total);
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String await(String what, long seconds) throws IOException, InterruptedException {
    String line = lines.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw failed("no " + what + " in " + seconds + " s");
    }
    return line;
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(PgLiveListener.PREFIX)) {
          lines.add(line.substring(PgLiveListener.PREFIX.length()));
        }
      }
    } catch (IOException e) {
      lines.add("error reading its output: " + e.getMessage());
    }
    lines.add("error it exited" + (process.isAlive() ? "" : " (" + exitValue() + ")") + " before saying more");
  }

  private String exitValue() {
    try {
      return "exit " + process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "exit unknown";
    }
  }

  private IllegalStateException failed(String what) throws IOException {
    process.destroyForcibly();
    List<String> err = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
    return new IllegalStateException("the listener JVM " + what
        + (err.isEmpty() ? "" : "; its stderr ends: " + String.join(" | ", err.subList(Math.max(0, err.size() - 8),
            err.size()))));
  }
}
