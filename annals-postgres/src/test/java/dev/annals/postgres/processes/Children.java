package dev.annals.postgres.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child JVMs of one multi-process or crash test and the directory of their journals and output.
 * Children start as annals-log's crash test starts them: this JVM's class path, a small heap and the C1
 * compiler only (JVM start-up is most of a killed child's life; a dynamic class-data archive would help,
 * but the JVM refuses to dump one with class directories on the class path, as a Maven build has). Each
 * child's stdout and stderr go to {@code NAME.out}; the engine logs only warnings there.
 * {@link #close()} SIGKILLs every child still alive ({@link Process#destroyForcibly()} is SIGKILL on
 * Linux), so a failed test leaves none behind.
 *
 * <p>Thread-safe: killer threads start children concurrently.
 */
final class Children implements AutoCloseable {

  private final Path dir;
  private final ConcurrentLinkedQueue<Process> started = new ConcurrentLinkedQueue<>();

  private Children(Path dir) {
    this.dir = dir;
  }

  /** A new directory for one test's children ({@code annals-TEST-...} under the temporary directory). */
  static Children inNewDirectory(String test) {
    try {
      Path dir = Files.createTempDirectory("annals-" + test + "-");
      Files.writeString(dir.resolve("logback-child.xml"), """
          <configuration>
            <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
              <target>System.err</target>
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
            </appender>
            <root level="WARN"><appender-ref ref="ERR"/></root>
          </configuration>
          """);
      return new Children(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  /** The journal file of the child {@code name}. */
  Path journal(String name) {
    return dir.resolve(name + ".journal");
  }

  /** Starts {@code main} with {@code args}; its output goes to {@code NAME.out}. */
  Process start(String name, Class<?> main, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=off",
        "-Dlogback.configurationFile=" + dir.resolve("logback-child.xml"), "-cp", System.getProperty("java.class.path"),
        main.getName()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
          .start();
      started.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an {@link AppenderChild} named {@code name} journaling to {@link #journal(String)}. */
  Process appender(String url, String name, int threads, long millis, String... extra) {
    List<String> args = new ArrayList<>(List.of(url, journal(name).toString(), name, Integer.toString(threads),
        Long.toString(millis)));
    args.addAll(List.of(extra));
    return start(name, AppenderChild.class, args.toArray(String[]::new));
  }

  /** SIGKILLs {@code p} and waits for it to be gone; false when it is still there after 30 s. */
  static boolean kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    return p.waitFor(30, TimeUnit.SECONDS);
  }

  /** The appenders' journals ({@code NAME.journal}), by child name. */
  Map<String, List<Journal.Entry>> journals() {
    Map<String, List<Journal.Entry>> out = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".journal")).toList()) {
        out.put(p.getFileName().toString().replace(".journal", ""), Journal.read(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Removes the directory (after a run that passed: a failed one is kept for reading). */
  void deleteDirectory() {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a directory under the temporary directory
    }
  }

  /** SIGKILLs every child still alive. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        kill(p);
      }
    }
  }
}
