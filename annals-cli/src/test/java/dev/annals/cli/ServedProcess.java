package dev.annals.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code annals serve --port 0 …} in a child JVM, with its output collected line by line. */
final class ServedProcess implements AutoCloseable {

  final Process process;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  ServedProcess(String... extra) throws Exception {
    this(Path.of(""), extra);
  }

  /** {@code annals serve --port 0 extra…} run in {@code workDir} (where serve's default data directory goes). */
  ServedProcess(Path workDir, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.annals.cli.Main", "serve", "--port", "0"));
    cmd.addAll(List.of(extra));
    process = new ProcessBuilder(cmd).directory(workDir.toAbsolutePath().toFile()).redirectErrorStream(true).start();
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

  /** The server's address, once the CLI printed that it serves (the server's own log line comes earlier). */
  URI awaitUri() throws InterruptedException {
    Pattern serving = Pattern.compile("^annals: serving .* on (http://127\\.0\\.0\\.1:\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      synchronized (lines) {
        for (String l : lines) {
          Matcher m = serving.matcher(l);
          if (m.find()) {
            return URI.create(m.group(1));
          }
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the server exited (" + process.exitValue() + "): " + lines);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the server did not start: " + lines);
  }

  /** Waits for the process to end and for its output to be read. */
  boolean awaitExit(long seconds) throws InterruptedException {
    boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
    reader.join(5_000);
    return ended;
  }

  /**
   * Stops the process (if still running) and waits until it is gone, so its data directory is free again:
   * SIGTERM first, so that a server with {@code --in-memory} deletes its temporary projection directory,
   * then SIGKILL if it has not ended within 10 s.
   */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server process did not end");
    }
  }
}
