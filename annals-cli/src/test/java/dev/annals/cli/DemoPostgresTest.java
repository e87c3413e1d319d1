package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals demo --store URL}: the bank demo seeded into an empty PostgreSQL database gives the same
 * answers as on the embedded log, names the store it used and the {@code serve --store} line to run
 * after it; a database that already holds events is refused and left alone.
 */
@ExtendWith(TestPostgres.class)
class DemoPostgresTest {

  @Test
  void the_demo_on_postgresql_answers_as_on_the_log_and_says_how_to_serve_it_again(LocalPostgres postgres,
      @TempDir Path tmp) throws Exception {
    String url = postgres.url(postgres.createDatabase()).toString();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Demo.Answers onPostgres;
    try (Demo demo = Demo.open(StoreLocation.PostgresUrl.parse("--store", url), "127.0.0.1", 0,
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      onPostgres = demo.run(SeedConfig.small(7));
      assertThat(demo.server().projections().names()).isNotEmpty();
    }
    Demo.Answers onLog;
    try (Demo demo = Demo.open(tmp.resolve("log"), "127.0.0.1", 0, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))) {
      onLog = demo.run(SeedConfig.small(7));
    }
    assertThat(onPostgres.balance()).isEqualTo(onLog.balance());
    assertThat(onPostgres.audit()).isEqualTo(onLog.audit());
    assertThat(onPostgres.rebuild().liveVersionAfter()).isEqualTo(onLog.rebuild().liveVersionAfter());
    assertThat(printed.toString(StandardCharsets.UTF_8).lines())
        .contains("  store      the PostgreSQL database " + url)
        .contains("  after Ctrl-C: ./annals serve --store " + url + " --module bank");
  }

  @Test
  void a_database_holding_events_is_refused_and_left_alone(LocalPostgres postgres) {
    String url = postgres.url(postgres.createDatabase()).toString();
    try (PostgresEventStore store = PostgresEventStore.open(url)) {
      store.append("mine-1", ExpectedVersion.NO_STREAM, EventData.of("Kept", "{}"));
    }
    CliRun r = run("demo", "--store", url, "--port", "0", "--no-wait");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: cannot start the demo: the demo needs an empty store; the PostgreSQL"
        + " database " + url + " (1 event) is not");
    try (PostgresEventStore store = PostgresEventStore.open(url)) {
      assertThat(store.headPosition()).isEqualTo(1);
    }
  }
}
