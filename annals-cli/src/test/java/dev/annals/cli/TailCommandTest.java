package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.verify.ScanVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code annals tail --count N}: exactly N events, then exit 0; N must be at least 1. */
class TailCommandTest {

  private InMemoryEventStore store;
  private AnnalsServer server;

  @BeforeEach
  void start() throws Exception {
    store = new InMemoryEventStore();
    for (int i = 1; i <= 20; i++) {
      store.append("account-" + i, ExpectedVersion.NO_STREAM, EventData.of("Opened", "{\"i\":" + i + "}"));
    }
    server = new AnnalsServer(store, ServerConfig.defaults().withPort(0), new ScanVerifier(store, true)).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    store.close();
  }

  @Test
  void the_printer_prints_n_events_and_ignores_those_that_arrive_before_the_subscription_closes() throws Exception {
    List<RecordedEvent> events = store.readAll(1, Direction.FORWARD, 7, Filter.all()).events();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TailCommand.CountedPrinter printer = new TailCommand.CountedPrinter(
        new PrintStream(buf, true, StandardCharsets.UTF_8), false, Optional.of(2L));
    for (RecordedEvent e : events) {
      printer.onEvent(e); // the subscription keeps delivering until the command's thread closes it
    }
    assertThat(printer.done.getCount()).isZero();
    assertThat(buf.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(TailCommand.human(events.get(0)), TailCommand.human(events.get(1)));
  }

  @Test
  void tail_with_count_prints_exactly_that_many_lines_and_exits_zero() {
    for (long n : new long[] {1, 2, 3}) {
      CliRun r = run("tail", "--server", server.uri().toString(), "--from", "1", "--count", Long.toString(n));
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out().lines()).as("--count " + n).hasSize((int) n).first().asString().startsWith("#1  account-1@1  Opened");
      assertThat(r.err().lines().toList()).as("--count " + n).containsExactly("tail: following all streams on " + server.uri()
          + " from position 1 (head 20); stops after " + n + " event" + (n == 1 ? "" : "s"));
    }
  }

  @Test
  void a_count_below_one_is_a_usage_error() {
    for (String n : new String[] {"0", "-1"}) {
      CliRun r = run("tail", "--server", server.uri().toString(), "--from", "1", "--count", n);
      assertThat(r.exit()).as("--count " + n).isEqualTo(2);
      assertThat(r.err()).contains("--count must be >= 1, was " + n).contains("Usage:");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void tail_from_a_position_starts_there_and_says_so_before_any_event() {
    CliRun r = run("tail", "--server", server.uri().toString(), "--from", "15", "--count", "2", "--category", "account");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err().strip()).isEqualTo("tail: following streams of category account on " + server.uri()
        + " from position 15 (head 20); stops after 2 events");
    assertThat(r.out().lines().toList()).hasSize(2).first().asString().startsWith("#15  account-15@1  Opened");
  }

  @Test
  void tail_since_a_time_starts_with_the_first_event_recorded_at_or_after_it() {
    RecordedEvent twelfth = store.readAll(12, Direction.FORWARD, 1, Filter.all()).events().getFirst();
    long first = store.positionAt(twelfth.recordedAt()); // events recorded in the same microsecond share it
    CliRun r = run("tail", "--server", server.uri().toString(), "--since", twelfth.recordedAt().toString(), "--count", "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(first).isBetween(1L, 12L);
    assertThat(r.out()).startsWith("#" + first + "  ");
    assertThat(r.err().strip()).isEqualTo("tail: following all streams on " + server.uri() + " from position " + first
        + ", the first recorded at or after " + EventJson.instant(twelfth.recordedAt()) + "; stops after 1 event");
  }

  @Test
  void tail_since_a_date_before_every_event_starts_at_the_first() {
    CliRun r = run("tail", "--server", server.uri().toString(), "--since", "2000-01-01", "--count", "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("#1  account-1@1  Opened");
  }

  @Test
  void tail_refuses_from_with_since_and_a_position_below_one() {
    CliRun both = run("tail", "--server", server.uri().toString(), "--from", "3", "--since", "2026-01-01");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err().strip()).isEqualTo("error: give --from or --since, not both");
    CliRun zero = run("tail", "--server", server.uri().toString(), "--from", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err().strip()).isEqualTo("error: --from must be a position (1 or more) or 'end', was 0");
  }

  @Test
  void the_start_line_of_a_tail_from_the_end_says_new_events_only_and_names_the_head() {
    assertThat(TailCommand.startLine(java.net.URI.create("http://127.0.0.1:7070"), 20, java.util.OptionalLong.empty(),
        Optional.empty(), Optional.empty(), Optional.of("acc"), Optional.empty()))
        .isEqualTo("tail: following streams starting with acc on http://127.0.0.1:7070 from new events only"
            + " (after position 20, the head now); Ctrl-C stops");
  }
}
