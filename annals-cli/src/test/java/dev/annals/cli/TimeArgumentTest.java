package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every time option reads a date (start of day UTC), a date-time without zone (UTC) and an instant with
 * an offset or zone; anything else is one line naming those forms, a non-zero exit, no stack trace.
 */
class TimeArgumentTest {

  @TempDir Path tmp;

  @Test
  void a_date_is_the_start_of_that_day_in_utc() {
    assertThat(TimeArgument.parse("2026-03-15")).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
  }

  @Test
  void a_date_time_without_zone_is_utc_to_minutes_seconds_or_nanoseconds() {
    assertThat(TimeArgument.parse("2026-03-15T14:47")).isEqualTo(Instant.parse("2026-03-15T14:47:00Z"));
    assertThat(TimeArgument.parse("2026-03-15T14:47:05")).isEqualTo(Instant.parse("2026-03-15T14:47:05Z"));
    assertThat(TimeArgument.parse("2026-03-15T14:47:05.123456789"))
        .isEqualTo(Instant.parse("2026-03-15T14:47:05.123456789Z"));
  }

  @Test
  void an_instant_with_z_an_offset_or_a_zone_is_that_instant() {
    assertThat(TimeArgument.parse("2026-03-15T14:47:00Z")).isEqualTo(Instant.parse("2026-03-15T14:47:00Z"));
    assertThat(TimeArgument.parse("2026-03-15T15:47+01:00")).isEqualTo(Instant.parse("2026-03-15T14:47:00Z"));
    assertThat(TimeArgument.parse("2026-03-15T10:47:00.5-04:00")).isEqualTo(Instant.parse("2026-03-15T14:47:00.5Z"));
    assertThat(TimeArgument.parse("2026-07-15T16:47+02:00[Europe/Paris]")).isEqualTo(Instant.parse("2026-07-15T14:47:00Z"));
  }

  @Test
  void anything_else_is_refused_with_a_message_naming_the_accepted_forms() {
    for (String bad : List.of("", "yesterday", "15/03/2026", "2026-02-30", "2026-03-15T25:00", "2026-03-15 14:47",
        "1773586020", "2026-03-15T14:47+01:00[No/Where]", "2026-3-5")) {
      assertThatThrownBy(() -> TimeArgument.parse(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessage("'" + bad + "' is not a time; " + TimeArgument.FORMS);
    }
  }

  @Test
  void every_time_option_accepts_every_form() throws Exception {
    String data = tmp.resolve("d").toString();
    assertThat(run("append", "s-1", "A", "{}", "--data", data, "--create").exit()).isZero();
    for (String t : List.of("2026-03-15", "2026-03-15T14:47", "2026-03-15T14:47:00Z", "2026-03-15T15:47+01:00",
        "2026-03-15T15:47+01:00[Europe/Paris]")) {
      for (String option : List.of("--known-at", "--valid-at")) {
        CliRun r = run("read", "s-1", "--data", data, option, t);
        assertThat(r.exit()).as(option + " " + t + ": " + r.err()).isZero();
      }
      CliRun a = run("append", "s-1", "A", "{}", "--data", data, "--effective-at", t);
      assertThat(a.exit()).as("--effective-at " + t + ": " + a.err()).isZero();
      assertThat(a.out()).contains("effective " + EventJson.instant(TimeArgument.parse(t)));
    }
  }

  @Test
  void a_bad_time_on_any_option_is_exactly_one_line_without_a_stack_trace_or_class_name() {
    String data = tmp.resolve("d").toString();
    run("append", "s-1", "A", "{}", "--data", data, "--create");
    List<String[]> commands = new ArrayList<>();
    commands.add(new String[] {"read", "s-1", "--data", data, "--known-at", "2026-15-03"});
    commands.add(new String[] {"read", "s-1", "--data", data, "--valid-at", "2026-15-03"});
    commands.add(new String[] {"append", "s-1", "A", "{}", "--data", data, "--effective-at", "2026-15-03"});
    // no server needed: the value is refused before the command runs
    commands.add(new String[] {"tail", "--server", "http://127.0.0.1:9", "--since", "2026-15-03"});
    for (String[] args : commands) {
      CliRun r = run(args);
      String option = args[args.length - 2];
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.out()).as(String.join(" ", args)).isEmpty();
      assertThat(r.err().lines().toList()).as(String.join(" ", args)).containsExactly(
          "error: Invalid value for option '" + option + "': '2026-15-03' is not a time; " + TimeArgument.FORMS);
      assertThat(r.err()).doesNotContain("Exception", "java.", "\tat ", "Usage:");
    }
  }
}
