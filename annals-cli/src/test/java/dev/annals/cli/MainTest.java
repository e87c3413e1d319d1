package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void help_lists_the_commands_and_exits_zero() {
    assertThat(Main.run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("demo", "bench");
  }

  @Test
  void help_and_h_on_every_subcommand_print_its_usage_and_exit_zero() {
    java.util.Set<String> commands = new picocli.CommandLine(new Main()).getSubcommands().keySet();
    assertThat(commands).contains("tail", "append", "read", "verify", "serve", "demo", "import", "bench");
    for (String command : commands) {
      for (String flag : new String[] {"--help", "-h"}) {
        out.reset();
        err.reset();
        assertThat(Main.run(command, flag)).as(command + " " + flag + ": " + err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).as(command + " " + flag).contains("Usage: annals " + command);
      }
    }
  }

  @Test
  void an_unknown_command_fails_with_a_usage_message() {
    assertThat(Main.run("frobnicate")).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("frobnicate");
  }

  @Test
  void bench_with_an_unknown_workload_fails_and_names_the_known_ones() {
    assertThat(Main.run("bench", "--quick", "--only", "no-such-workload")).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("no workload matches", "append-batch-100");
  }
}
