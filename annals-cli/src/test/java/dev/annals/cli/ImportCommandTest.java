package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals import FILE.jsonl} straight on a data directory. */
class ImportCommandTest {

  @TempDir Path tmp;


  private static String line(String stream, String type, String data, String recordedAt) {
    return "{\"stream\":\"" + stream + "\",\"type\":\"" + type + "\",\"data\":" + data + ",\"recordedAt\":\"" + recordedAt + "\"}";
  }

  private static List<RecordedEvent> all(Path data) {
    try (EventStore s = new StoreLocation.DataDirectory(data).open(false)) {
      return s.readAll(1, Direction.FORWARD, 1000, Filter.all()).events();
    }
  }

  @Test
  void imports_every_line_with_its_original_recorded_at_and_effective_at() throws Exception {
    Path file = tmp.resolve("history.jsonl");
    Files.writeString(file, String.join("\n",
        line("account-1", "Opened", "{\"owner\":\"ada\"}", "2026-01-02T09:00:00Z"),
        "",
        "{\"stream\":\"account-1\",\"type\":\"Deposited\",\"data\":{\"amount\":5},\"metadata\":{\"actor\":\"legacy\"},"
            + "\"effectiveAt\":\"2026-01-01T00:00:00Z\",\"recordedAt\":\"2026-01-03T10:00:00.123456Z\","
            + "\"id\":\"6f1c1f5e-5d4e-4a35-8d5b-1a2b3c4d5e6f\"}",
        line("order-9", "Placed", "1", "2026-01-04T11:00:00Z")) + "\n");
    Path data = tmp.resolve("data");
    CliRun r = run("import", file.toString(), "--data", data.toString(), "--batch", "2", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode result = EventJson.MAPPER.readTree(r.out());
    assertThat(result.get("count").asInt()).isEqualTo(3);
    assertThat(result.get("firstPosition").asLong()).isEqualTo(1);
    assertThat(result.get("lastPosition").asLong()).isEqualTo(3);

    List<RecordedEvent> events = all(data);
    assertThat(events).extracting(RecordedEvent::type).containsExactly("Opened", "Deposited", "Placed");
    RecordedEvent deposit = events.get(1);
    assertThat(deposit.recordedAt()).isEqualTo(Instant.parse("2026-01-03T10:00:00.123456Z"));
    assertThat(deposit.effectiveAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(deposit.id().toString()).isEqualTo("6f1c1f5e-5d4e-4a35-8d5b-1a2b3c4d5e6f");
    assertThat(deposit.metadata().toString()).contains("\"actor\":\"legacy\"").contains("\"imported\":true");
    assertThat(deposit.version()).isEqualTo(2);
    assertThat(events.get(2).stream()).isEqualTo("order-9");
  }

  @Test
  void a_bad_line_is_named_and_nothing_is_written() throws Exception {
    Path data = tmp.resolve("data");
    Path file = tmp.resolve("bad.jsonl");
    Files.writeString(file, line("account-1", "Opened", "{}", "2026-01-02T09:00:00Z") + "\n"
        + "{\"stream\":\"account-1\",\"type\":\"Deposited\",\"data\":1,\"recordedAt\":\"yesterday\"}\n");
    CliRun r = run("import", file.toString(), "--data", data.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad.jsonl:2:").contains("recordedAt must be an ISO-8601 instant");
    assertThat(Files.exists(data)).as("the data directory was never opened").isFalse();

    Files.writeString(file, "{\"stream\":\"a-1\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2026-01-02T09:00:00Z\",\"colour\":1}\n");
    CliRun unknown = run("import", file.toString(), "--data", data.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("bad.jsonl:1:").contains("unknown field 'colour'");

    Files.writeString(file, "not json\n");
    assertThat(run("import", file.toString(), "--data", data.toString()).err()).contains("bad.jsonl:1: malformed JSON");
    assertThat(run("import", tmp.resolve("missing.jsonl").toString(), "--data", data.toString()).err())
        .contains("no such file");
  }

  @Test
  void a_refused_batch_writes_nothing_and_the_error_says_how_far_it_got() throws Exception {
    Path data = tmp.resolve("data");
    Path file = tmp.resolve("h.jsonl");
    Files.writeString(file, String.join("\n",
        line("s-1", "A", "1", "2026-01-01T00:00:00Z"),
        line("s-1", "B", "2", "2026-01-02T00:00:00Z"),
        "",
        line("s-1", "C", "3", "2026-01-03T00:00:00Z"),
        line("s-1", "D", "4", "2999-12-01T00:00:00Z")));
    CliRun r = run("import", file.toString(), "--data", data.toString(), "--batch", "2");
    assertThat(r.exit()).isEqualTo(ErrorHandler.STORE_ERROR);
    assertThat(r.err())
        .contains("h.jsonl:5: recordedAt 2999-12-01T00:00:00Z is in the future")
        .contains("the first 2 of 4 events were imported").contains("the batch from line 4 on wrote nothing");
    assertThat(all(data)).extracting(RecordedEvent::type).containsExactly("A", "B");
  }

  @Test
  void a_line_recorded_before_the_line_above_it_is_named_before_anything_is_written() throws Exception {
    Path data = tmp.resolve("data");
    Path file = tmp.resolve("back.jsonl");
    Files.writeString(file, String.join("\n",
        line("s-1", "A", "1", "2026-01-01T00:00:00Z"),
        line("s-1", "B", "2", "2026-01-02T00:00:00Z"),
        line("s-1", "C", "3", "2026-01-01T12:00:00Z")));
    CliRun r = run("import", file.toString(), "--data", data.toString(), "--batch", "1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("back.jsonl:3: recordedAt 2026-01-01T12:00:00Z is before line 2's 2026-01-02T00:00:00Z")
        .contains("nothing was written");
    assertThat(data).doesNotExist();
  }
}
