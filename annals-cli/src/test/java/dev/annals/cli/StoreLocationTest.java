package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --data DIR} and {@code --store URL}: the same options, the same checks, on every command that
 * opens a store; a URL is a PostgreSQL URL without a password. Needs no PostgreSQL: every case here is
 * refused (or accepted) before anything is opened.
 */
class StoreLocationTest {

  @ParameterizedTest
  @ValueSource(strings = {"postgresql://annals@127.0.0.1:5432/shop", "postgresql://db.example.com/shop",
      "jdbc:postgresql://127.0.0.1:5432/shop?user=annals", "postgres://annals@localhost/shop",
      "postgresql://annals@[::1]:5432/shop", "postgresql://annals@127.0.0.1:5432/shop?sslmode=require&schema=billing"})
  void a_postgresql_url_without_a_password_is_kept_as_given(String url) {
    StoreLocation.PostgresUrl location = StoreLocation.PostgresUrl.parse("--store", url);
    assertThat(location.url()).isEqualTo(url);
    assertThat(location.engine()).isEqualTo("postgresql");
    assertThat(location.describe()).isEqualTo("the PostgreSQL database " + url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql://annals:s3cret@127.0.0.1:5432/shop", "postgresql://annals:@127.0.0.1/shop",
      "jdbc:postgresql://127.0.0.1:5432/shop?user=annals&password=s3cret",
      "postgresql://annals@127.0.0.1/shop?password=s3cret"})
  void a_url_holding_a_password_is_refused_pointing_at_pgpassword_and_pgpass_without_echoing_it(String url) {
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", url))
        .isInstanceOf(CliFailure.class)
        .hasMessageStartingWith("--store: the store URL carries a password, which would show in process listings and"
            + " shell history")
        .hasMessageContaining("PGPASSWORD").hasMessageContaining("~/.pgpass")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void what_is_not_a_postgresql_url_is_refused_naming_the_option_and_the_form() {
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", "./annals-data"))
        .hasMessage("--store: a PostgreSQL store URL starts with postgresql:// (postgresql://USER@HOST:PORT/DB) or"
            + " jdbc:postgresql://; './annals-data' is not a URL (a data directory goes with --data DIR)");
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", "mysql://localhost/shop"))
        .hasMessageStartingWith("--store: a PostgreSQL store URL starts with postgresql://")
        .hasMessageEndingWith("; 'mysql://localhost/shop' is not one");
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", "postgresql:///shop"))
        .hasMessageStartingWith("--store: the store URL names no host");
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", "postgresql://annals@localhost:5432"))
        .hasMessageStartingWith("--store: the store URL names no database");
    assertThatThrownBy(() -> StoreLocation.PostgresUrl.parse("--store", "postgresql://annals@local host/shop"))
        .hasMessageStartingWith("--store: the store URL is malformed");
  }

  @Test
  void every_command_that_takes_data_takes_store_and_refuses_both_before_touching_anything(@TempDir Path tmp) {
    String dir = tmp.resolve("d").toString();
    String url = "postgresql://annals@127.0.0.1:1/nowhere";
    List<String[]> commands = List.of(new String[] {"append", "s-1", "A", "{}", "--create"},
        new String[] {"read", "s-1"}, new String[] {"verify"}, new String[] {"import", tmp.resolve("x.jsonl").toString()},
        new String[] {"serve", "--port", "0"});
    for (String[] command : commands) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--data", dir, "--store", url));
      CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(args.toArray(String[]::new)));
      assertThat(r.exit()).as(args.toString()).isEqualTo(2);
      assertThat(r.err().strip()).as(args.toString()).isEqualTo("error: give --data or --store, not both");
    }
    assertThat(tmp.resolve("d")).doesNotExist();
  }

  @Test
  void a_store_goes_straight_so_not_with_server() {
    CliRun r = run("read", "s-1", "--store", "postgresql://annals@127.0.0.1:1/nowhere", "--server", "http://127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: give --store or --server, not both");
  }

  @Test
  void a_password_in_the_url_is_refused_by_every_command_in_one_line() {
    for (String[] command : List.of(new String[] {"append", "s-1", "A", "{}"}, new String[] {"read", "s-1"},
        new String[] {"serve", "--port", "0"})) {
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--store", "postgresql://annals:s3cret@127.0.0.1:1/shop"));
      CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(args.toArray(String[]::new)));
      assertThat(r.exit()).as(args.toString()).isEqualTo(2);
      assertThat(r.err()).as(args.toString()).startsWith("error: --store: the store URL carries a password")
          .doesNotContain("s3cret").hasLineCount(1);
    }
  }

  @Test
  void serve_takes_one_of_data_store_and_in_memory_and_no_fsync_with_a_store() {
    CliRun both = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("serve", "--port", "0", "--in-memory", "--store", "postgresql://annals@127.0.0.1:1/shop"));
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err().strip()).isEqualTo("error: give --store or --in-memory, not both");
    CliRun fsync = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("serve", "--port", "0", "--fsync", "never", "--store", "postgresql://annals@127.0.0.1:1/shop"));
    assertThat(fsync.exit()).isEqualTo(2);
    assertThat(fsync.err()).contains("--fsync does not go with --store: PostgreSQL makes each commit durable itself");
  }

  @Test
  void help_of_each_command_names_store_and_where_the_password_comes_from() {
    for (String command : List.of("append", "read", "import", "serve")) {
      CliRun r = run(command, "--help");
      assertThat(r.out()).as(command).contains("--store=URL").contains("PGPASSWORD").contains("pgpass")
          .contains("--data=DIR");
    }
  }
}
