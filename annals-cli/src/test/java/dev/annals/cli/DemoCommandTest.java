package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals demo} refuses to seed into a data directory that already holds something. */
class DemoCommandTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldErr;

  @TempDir
  Path dir;

  @BeforeEach
  void capture() {
    oldErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(oldErr);
  }

  @Test
  void a_data_directory_with_files_is_refused_with_exit_code_2_and_left_alone() throws Exception {
    Path file = Files.writeString(dir.resolve("keep.txt"), "mine");
    assertThat(Main.run("demo", "--data", dir.toString(), "--port", "0", "--no-wait")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("new or empty data directory");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void a_data_path_that_is_a_file_is_refused_with_exit_code_2() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThat(Main.run("demo", "--data", file.toString(), "--port", "0", "--no-wait")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a directory");
  }
}
