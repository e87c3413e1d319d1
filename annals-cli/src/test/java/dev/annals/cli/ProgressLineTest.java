package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** On a terminal one line rewritten in place and erased at the end; elsewhere one plain line per step. */
class ProgressLineTest {

  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

  private ProgressLine line(boolean terminal) {
    return new ProgressLine(new PrintStream(buf, true, StandardCharsets.UTF_8), terminal);
  }

  @Test
  void on_a_terminal_each_update_rewrites_the_line_and_clear_erases_it() {
    ProgressLine p = line(true);
    p.show("seeding 10 events", "5 done");
    p.show("seeding 10 events", "10 done");
    p.clear();
    assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
        "\rseeding 10 events: 5 done\u001b[K\rseeding 10 events: 10 done\u001b[K\r\u001b[K");
  }

  @Test
  void off_a_terminal_each_step_is_one_plain_line_without_the_counts() {
    ProgressLine p = line(false);
    p.show("seeding 10 events", "5 done");
    p.show("seeding 10 events", "10 done");
    p.show("projecting", "3 of 10");
    p.clear();
    assertThat(buf.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly("seeding 10 events", "projecting");
    assertThat(buf.toString(StandardCharsets.UTF_8)).doesNotContain("\u001b", "\r");
  }

  @Test
  void clear_prints_nothing_when_nothing_was_shown() {
    line(true).clear();
    assertThat(buf.size()).isZero();
  }
}
