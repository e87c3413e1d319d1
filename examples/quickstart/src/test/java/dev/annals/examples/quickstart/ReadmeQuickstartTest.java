package dev.annals.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quickstart is the code a newcomer pastes: the {@code java} block is taken from
 * README.md as it stands, compiled with javac against this build's class path (not this module's own
 * compiled class), run in a fresh JVM, and its output checked line by line, against the output the
 * README shows too (all but the store's directory, which is new on each run).
 */
class ReadmeQuickstartTest {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path README = MODULE.resolve("../../README.md").normalize();
  private static final Path SOURCE =
      MODULE.resolve("src/main/java/dev/annals/examples/quickstart/Quickstart.java");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
  private static final Pattern TEXT_BLOCK = Pattern.compile("(?ms)^```text\\n(.*?)^```$");

  @TempDir
  Path tmp;

  @Test
  void the_readme_shows_the_quickstart_exactly_as_in_its_file() throws IOException {
    assertThat(readmeQuickstart()).isEqualTo(Files.readString(SOURCE));
  }

  @Test
  void the_readmes_quickstart_compiles_runs_and_prints_what_it_read_and_received() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src")).resolve("Quickstart.java");
    Files.writeString(src, readmeQuickstart());
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    String classPath = buildClassPath();

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = javac.getTask(diagnostics, null, null,
        List.of("--release", "21", "-Xlint:all", "-Werror", "-classpath", classPath, "-d", classes.toString()),
        null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
    assertThat(compiled).as("javac on the README's quickstart:%n%s", diagnostics).isTrue();

    Path store = tmp.resolve("store");
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes + File.pathSeparator + classPath, "dev.annals.examples.quickstart.Quickstart", store.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean exited = run.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      run.destroyForcibly();
    }
    assertThat(exited).as("the quickstart exits by itself").isTrue();
    assertThat(run.exitValue()).as("exit code; stderr:%n%s", Files.readString(err)).isZero();
    List<String> printed = Files.readAllLines(out);
    assertThat(printed).containsExactly(
        "store     " + store,
        "read      account-42 v1 AccountOpened {\"owner\":\"Ada\"}",
        "read      account-42 v2 Deposited {\"amount\":100}",
        "refused   expected version 1, the stream is at 2",
        "received  #1 account-42 AccountOpened {\"owner\":\"Ada\"}",
        "received  #2 account-42 Deposited {\"amount\":100}",
        "received  #3 account-42 Withdrawn {\"amount\":30}");
    List<String> shown = readmeOutput().lines().toList();
    assertThat(shown.getFirst()).as("the README's output starts with the store line").startsWith("store     ");
    assertThat(shown.subList(1, shown.size())).as("what the README says it prints")
        .containsExactlyElementsOf(printed.subList(1, printed.size()));
  }

  /** A fenced block's text and where the block ends in the README. */
  private record Block(String text, int end) {}

  /** The one java block of README.md that declares the quickstart's class. */
  private static String readmeQuickstart() throws IOException {
    return quickstartBlock().text();
  }

  /** The first text block after the quickstart: what the README says it prints. */
  private static String readmeOutput() throws IOException {
    Matcher text = TEXT_BLOCK.matcher(Files.readString(README));
    assertThat(text.find(quickstartBlock().end())).as("a ```text block after the quickstart in %s", README).isTrue();
    return text.group(1);
  }

  private static Block quickstartBlock() throws IOException {
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README));
    List<Block> blocks = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).contains("public final class Quickstart")) {
        blocks.add(new Block(m.group(1), m.end()));
      }
    }
    assertThat(blocks).as("java blocks in %s declaring the quickstart", README).hasSize(1);
    return blocks.getFirst();
  }

  /** This test's class path (the build's dependencies) without this module's own compiled classes. */
  private static String buildClassPath() {
    Path own = MODULE.resolve("target/classes");
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !Path.of(e).toAbsolutePath().normalize().equals(own))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(cp).as("the build's class path has the embedded log").contains("annals-log");
    return cp;
  }
}
