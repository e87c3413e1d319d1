package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals append}, {@code read} and {@code verify} straight on a data directory. */
class LogCommandsTest {

  @TempDir Path tmp;


  @Test
  void append_then_read_round_trips_an_event_in_human_and_json_form() throws Exception {
    String data = tmp.resolve("data").toString();
    CliRun a = run("append", "account-1", "Opened", "{\"owner\":\"ada\"}", "--data", data, "--create",
        "--metadata", "{\"actor\":\"cli\"}");
    assertThat(a.exit()).isZero();
    assertThat(a.out()).contains("version 1").contains("position 1");
    CliRun b = run("append", "account-1", "Deposited", "{\"amount\":5}", "--expected", "1", "--data", data, "--json");
    assertThat(b.exit()).isZero();
    JsonNode result = EventJson.MAPPER.readTree(b.out());
    assertThat(result.get("lastVersion").asLong()).isEqualTo(2);
    assertThat(result.get("lastPosition").asLong()).isEqualTo(2);

    CliRun human = run("read", "account-1", "--data", data);
    assertThat(human.exit()).isZero();
    assertThat(human.out()).contains("Opened").contains("{\"owner\":\"ada\"}").contains("Deposited").contains("v2");

    CliRun json = run("read", "account-1", "--data", data, "--json", "--limit", "1");
    JsonNode page = EventJson.MAPPER.readTree(json.out());
    assertThat(page.get("events")).hasSize(1);
    assertThat(page.get("events").get(0).get("metadata").get("actor").asText()).isEqualTo("cli");
    assertThat(page.get("events").get(0).get("recordedAt").asText()).matches("\\d{4}-.*T.*\\.\\d{6}Z");
    assertThat(page.get("next").asLong()).isEqualTo(2);
  }

  @Test
  void read_prints_an_effective_time_with_its_nanoseconds_so_it_can_be_given_back_as_valid_at() throws Exception {
    Path data = tmp.resolve("data");
    java.time.Instant effective = java.time.Instant.parse("2019-12-31T23:59:59.999999999Z");
    try (dev.annals.log.LogEventStore s = dev.annals.log.Annals.open(data)) {
      s.append("n-1", dev.annals.core.ExpectedVersion.ANY, java.util.List.of(new dev.annals.core.EventData(
          java.util.UUID.randomUUID(), "Late", dev.annals.core.Json.of("{}"), dev.annals.core.Json.EMPTY_OBJECT,
          java.util.Optional.of(effective))));
    }
    CliRun json = run("read", "n-1", "--data", data.toString(), "--json");
    assertThat(EventJson.MAPPER.readTree(json.out()).get("events").get(0).get("effectiveAt").asText())
        .isEqualTo("2019-12-31T23:59:59.999999999Z");
    CliRun human = run("read", "n-1", "--data", data.toString(), "--valid-at", "2019-12-31T23:59:59.999999999Z");
    assertThat(human.exit()).isZero();
    assertThat(human.out()).contains("effective 2019-12-31T23:59:59.999999999Z").contains("Late");
  }

  @Test
  void a_wrong_expected_version_is_a_clear_error_with_a_nonzero_exit() {
    String data = tmp.resolve("data").toString();
    run("append", "s-1", "A", "1", "--data", data, "--create");
    CliRun r = run("append", "s-1", "A", "2", "--expected", "no_stream", "--data", data);
    assertThat(r.exit()).isEqualTo(ErrorHandler.STORE_ERROR);
    assertThat(r.err()).contains("wrong_expected_version");
    CliRun missing = run("read", "nope", "--data", data);
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("not_found");
  }

  @Test
  void verify_prints_the_count_and_head_hash_and_fails_on_damage() throws Exception {
    Path data = tmp.resolve("data");
    for (int i = 0; i < 5; i++) {
      run("append", "s-1", "A", "{\"i\":" + i + "}", "--data", data.toString(), "--create");
    }
    CliRun ok = run("verify", "--data", data.toString());
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).contains("events checked: 5").containsPattern("head hash: +[0-9a-f]{64}").contains("ok");
    CliRun okJson = run("verify", "--data", data.toString(), "--json");
    JsonNode report = EventJson.MAPPER.readTree(okJson.out());
    assertThat(report.get("ok").asBoolean()).isTrue();
    assertThat(report.get("events").asLong()).isEqualTo(5);

    flipByte(data.resolve("00000000000000000001.log"), 200);
    CliRun bad = run("verify", "--data", data.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).contains("problem").contains("00000000000000000001.log at byte");
  }

  @Test
  void read_and_verify_refuse_a_folder_that_holds_no_store_and_create_nothing_in_it() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path other = Files.createDirectory(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    Files.writeString(other.resolve("1.log"), "not a segment");
    for (Path dir : List.of(empty, other)) {
      List<Path> before = list(dir);
      for (String[] command : List.of(new String[] {"read", "s-1"}, new String[] {"verify"}, new String[] {"verify", "--json"})) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--data", dir.toString()));
        CliRun r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(args.toString()).isEqualTo(2);
        assertThat(r.err()).as(args.toString()).contains("not an Annals data directory: " + dir.toAbsolutePath())
            .contains("no segment file");
        assertThat(r.out()).as(args.toString()).doesNotContain("ok");
        assertThat(list(dir)).as(args.toString()).isEqualTo(before);
      }
    }
  }

  @Test
  void append_create_on_an_empty_folder_creates_a_store_there_that_read_and_verify_accept() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThat(run("append", "s-1", "A", "{}", "--data", empty.toString(), "--create").exit()).isZero();
    assertThat(empty.resolve("00000000000000000001.log")).exists();
    assertThat(run("read", "s-1", "--data", empty.toString()).exit()).isZero();
    assertThat(run("verify", "--data", empty.toString()).out()).contains("events checked: 1");
  }

  @Test
  void a_mistyped_data_directory_is_one_line_naming_it_and_nothing_is_created() throws Exception {
    Path typo = tmp.resolve("dtaa");
    List<String[]> commands = List.of(new String[] {"append", "s-1", "A", "{}", "--data", typo.toString()},
        new String[] {"read", "s-1", "--data", typo.toString()}, new String[] {"verify", "--data", typo.toString()});
    for (String[] args : commands) {
      CliRun r = run(args);
      assertThat(r.exit()).as(args[0]).isEqualTo(2);
      assertThat(r.err().lines().toList()).as(args[0]).containsExactly("error: no data directory at " + typo.toAbsolutePath().normalize()
          + "; nothing was created there (serve, import and append --create make a new store)");
      assertThat(typo).as(args[0]).doesNotExist();
    }
  }

  @Test
  void append_without_create_refuses_an_empty_folder_and_leaves_it_empty() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    CliRun r = run("append", "s-1", "A", "{}", "--data", empty.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not an Annals data directory: " + empty.toAbsolutePath());
    assertThat(list(empty)).isEmpty();
  }

  @Test
  void append_effective_at_is_stored_and_read_shows_it_beside_the_recorded_time() throws Exception {
    String data = tmp.resolve("data").toString();
    CliRun a = run("append", "account-1", "Deposited", "{\"amount\":5}", "--data", data, "--create",
        "--effective-at", "2026-03-01");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).endsWith(", effective 2026-03-01T00:00:00.000000Z" + System.lineSeparator());
    run("append", "account-1", "Deposited", "{\"amount\":6}", "--data", data);

    JsonNode events = EventJson.MAPPER.readTree(run("read", "account-1", "--data", data, "--json").out()).get("events");
    assertThat(events.get(0).get("effectiveAt").asText()).isEqualTo("2026-03-01T00:00:00.000000Z");
    assertThat(events.get(1).get("effectiveAt").asText()).isEqualTo(events.get(1).get("recordedAt").asText());

    List<String> lines = run("read", "account-1", "--data", data).out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" v1 @1 Deposited ").endsWith("  effective 2026-03-01T00:00:00.000000Z");
    assertThat(lines.get(1)).as("effective when recorded: said once").contains(" v2 @2 ").doesNotContain("effective");
  }

  @Test
  void read_shows_which_event_revokes_which_in_human_and_json_output() throws Exception {
    String data = tmp.resolve("data").toString();
    String fee = "a926d5b6-77e2-3b33-822e-d8453674c9f5";
    run("append", "account-1", "FeeCharged", "{\"amount\":35}", "--data", data, "--create", "--id", fee);
    CliRun c = run("append", "account-1", "FeeReversed", "{\"amount\":35}", "--data", data, "--effective-at",
        "2026-03-12T09:30:00Z", "--metadata", "{\"revokes\":[\"" + fee + "\"],\"actor\":\"ops:kim\"}", "--json");
    assertThat(c.exit()).as(c.err()).isZero();

    JsonNode events = EventJson.MAPPER.readTree(run("read", "account-1", "--data", data, "--json").out()).get("events");
    String correction = events.get(1).get("id").asText();
    assertThat(events.get(0).get("revokedBy")).extracting(JsonNode::asText).containsExactly(correction);
    assertThat(events.get(1).get("metadata").get("revokes")).extracting(JsonNode::asText).containsExactly(fee);
    assertThat(events.get(1).has("revokedBy")).isFalse();

    List<String> lines = run("read", "account-1", "--data", data).out().lines().toList();
    assertThat(lines.get(0)).contains("FeeCharged").endsWith("  revoked by v2 " + correction);
    assertThat(lines.get(1)).contains("FeeReversed").contains("  effective 2026-03-12T09:30:00.000000Z")
        .contains("  revokes v1 " + fee).endsWith("  metadata {\"actor\":\"ops:kim\"}");
  }

  @Test
  void a_known_at_view_with_nothing_recorded_by_then_says_so() {
    String data = tmp.resolve("data").toString();
    run("append", "s-1", "A", "{}", "--data", data, "--create");
    CliRun r = run("read", "s-1", "--data", data, "--known-at", "2020-01-01");
    assertThat(r.exit()).isZero();
    assertThat(r.out().strip()).isEqualTo("(no event of s-1 was recorded by 2020-01-01T00:00:00.000000Z)");
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 1));
      b.rewind();
      ch.write(b, offset);
    }
  }
}
