package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.TestPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --store URL}: {@code append}, {@code read} and {@code import} work straight on a PostgreSQL
 * database as they do on a data directory, and what they write is in that database. Each test has a
 * database of its own on the run's throwaway PostgreSQL.
 */
@ExtendWith(TestPostgres.class)
class PostgresCommandsTest {

  String url;

  @BeforeEach
  void database(LocalPostgres postgres) {
    url = postgres.url(postgres.createDatabase()).toString();
  }

  @Test
  void append_and_read_work_straight_on_a_postgresql_store() throws Exception {
    CliRun a = run("append", "account-1", "Opened", "{\"owner\":\"ada\"}", "--store", url, "--expected", "no_stream");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).startsWith("appended Opened to account-1: version 1, position 1, recorded at ");
    CliRun b = run("append", "account-1", "Deposited", "{\"amount\":5}", "--store", url, "--expected", "1", "--json");
    assertThat(b.exit()).as(b.err()).isZero();
    JsonNode result = EventJson.MAPPER.readTree(b.out());
    assertThat(result.get("lastVersion").asLong()).isEqualTo(2);
    assertThat(result.get("lastPosition").asLong()).isEqualTo(2);

    CliRun human = run("read", "account-1", "--store", url);
    assertThat(human.exit()).as(human.err()).isZero();
    List<String> lines = human.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" v1 @1 Opened {\"owner\":\"ada\"} ");
    assertThat(lines.get(1)).contains(" v2 @2 Deposited {\"amount\":5} ");
    JsonNode json = EventJson.MAPPER.readTree(run("read", "account-1", "--store", url, "--json").out());
    assertThat(json.get("events")).hasSize(2);
    assertThat(json.get("next").isNull()).isTrue();

    try (EventStore store = PostgresEventStore.open(url)) { // what the commands wrote is in the database
      List<RecordedEvent> all = store.readAll(1, Direction.FORWARD, 10, Filter.all()).events();
      assertThat(all).extracting(RecordedEvent::type).containsExactly("Opened", "Deposited");
    }
  }

  @Test
  void a_stale_append_and_a_missing_stream_are_refused_in_one_line_as_on_a_data_directory() {
    assertThat(run("append", "s-1", "A", "1", "--store", url).exit()).isZero();
    CliRun stale = run("append", "s-1", "A", "2", "--expected", "no_stream", "--store", url);
    assertThat(stale.exit()).isEqualTo(2);
    assertThat(stale.err()).startsWith("error: wrong_expected_version: ").hasLineCount(1);
    CliRun missing = run("read", "nope", "--store", url);
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("error: not_found: stream 'nope' has no events");
  }

  @Test
  void read_known_at_and_valid_at_work_on_a_postgresql_store() {
    assertThat(run("append", "n-1", "Noted", "{\"i\":1}", "--store", url, "--effective-at", "2020-01-01").exit()).isZero();
    CliRun before = run("read", "n-1", "--store", url, "--known-at", "2020-01-01");
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out().strip()).isEqualTo("(no event of n-1 was recorded by 2020-01-01T00:00:00.000000Z)");
    CliRun valid = run("read", "n-1", "--store", url, "--valid-at", "2020-06-01");
    assertThat(valid.exit()).as(valid.err()).isZero();
    assertThat(valid.out()).startsWith("effective 2020-01-01T00:00:00.000000Z (recorded ").contains(" v1 @1 Noted ");
  }

  @Test
  void import_writes_history_with_its_original_times_into_a_postgresql_store(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("history.jsonl");
    Files.writeString(file, """
        {"stream":"acct-1","type":"Opened","data":{"owner":"ada"},"recordedAt":"2026-01-01T09:00:00Z"}
        {"stream":"acct-1","type":"Deposited","data":{"amount":5},"recordedAt":"2026-01-02T09:00:00Z"}
        {"stream":"acct-2","type":"Opened","data":{"owner":"bob"},"recordedAt":"2026-01-03T09:00:00Z"}
        """);
    CliRun r = run("import", file.toString(), "--store", url, "--batch", "2");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("imported 3 events from " + file + ": positions 1..3");
    CliRun read = run("read", "acct-1", "--store", url);
    assertThat(read.out()).startsWith("2026-01-01T09:00:00.000000Z v1 @1 Opened ");
  }

  @Test
  void a_database_that_cannot_be_reached_is_one_unavailable_line_without_a_stack_trace() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // free once closed: nothing listens there
    }
    String nowhere = "postgresql://annals@127.0.0.1:" + closed + "/annals";
    for (String[] command : List.of(new String[] {"append", "s-1", "A", "{}"}, new String[] {"read", "s-1"},
        new String[] {"serve", "--port", "0"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--store", nowhere));
      // serve does not start over a store it cannot reach (hence the timeout: a started server would serve on)
      CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(args.toArray(String[]::new)));
      assertThat(r.exit()).as(args + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(args.toString()).startsWith("error: unavailable: ").contains(Integer.toString(closed))
          .hasLineCount(1);
    }
  }
}
