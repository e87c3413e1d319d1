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
import dev.annals.server.ScanVerifier;
import dev.annals.server.ServerConfig;
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
}
