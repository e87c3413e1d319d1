package dev.annals.postgres.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the child JVMs of the multi-process and crash tests, as annals-log's crash test does: this JVM's
 * class path, a small heap and the C1 compiler only (JVM start-up is most of a killed child's life; a
 * dynamic class-data archive would help, but the JVM refuses to dump one with class directories on the
 * class path, as a Maven build has). Each child's stdout and stderr go to {@code NAME.out} in the run's
 * directory; the engine logs only warnings there.
 *
 * <p>{@link Process#destroyForcibly()} is SIGKILL on Linux.
 */
final class ChildJvm {

  private static final Path SHARED = sharedDirectory();

  private ChildJvm() {}

  /** Starts {@code main} with {@code args}; its output goes to {@code dir/name.out}. */
  static Process start(Path dir, String name, Class<?> main, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=off", "-Dlogback.configurationFile=" + SHARED.resolve("logback-child.xml"),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new directory for one test's journals and child output. */
  static Path runDirectory(String test) {
    try {
      return Files.createTempDirectory("annals-" + test + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a run's directory (after a run that passed: a failed one is kept for reading). */
  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a directory under the temporary directory
    }
  }

  /** The journals in {@code dir} ({@code NAME.journal}), by child name. */
  static java.util.Map<String, List<Journal.Entry>> journals(Path dir) {
    java.util.Map<String, List<Journal.Entry>> out = new java.util.TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".journal")).toList()) {
        out.put(p.getFileName().toString().replace(".journal", ""), Journal.read(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Path sharedDirectory() {
    try {
      Path dir = Files.createTempDirectory("annals-children-");
      Files.writeString(dir.resolve("logback-child.xml"), """
          <configuration>
            <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
              <target>System.err</target>
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
            </appender>
            <root level="WARN"><appender-ref ref="ERR"/></root>
          </configuration>
          """);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
