package dev.annals.cli;

import static dev.annals.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventSource;
import dev.annals.examples.bank.seed.HistoryGenerator;
import dev.annals.examples.bank.seed.SeedConfig;
import dev.annals.log.Annals;
import dev.annals.log.LogEventSource;
import dev.annals.log.LogEventStore;
import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventSource;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals copy} and {@code annals verify --store}: the round trip (a seeded bank copied
 * log → PostgreSQL → log keeps every event, every field, and the head hash), refusals of targets that are
 * not empty, and verify on PostgreSQL printing the head hash a data directory's verify prints.
 */
@ExtendWith(TestPostgres.class)
class CopyCommandTest {

  @TempDir Path tmp;
  LocalPostgres postgres;
  String db;
  String url;

  @BeforeEach
  void database(LocalPostgres postgres) {
    this.postgres = postgres;
    db = postgres.createDatabase();
    url = postgres.url(db).toString();
  }

  @Test
  void a_seeded_bank_copied_log_to_postgresql_to_log_keeps_every_event_and_the_head_hash() throws Exception {
    Path original = tmp.resolve("original");
    seedBank(original);
    List<StoredEvent> events = read(LogEventSource.open(original));
    String head = ChainHash.hex(events.get(events.size() - 1).chainHash());

    CliRun there = run("copy", "--data", original.toString(), "--to", url);
    assertThat(there.exit()).as(there.err()).isZero();
    assertThat(there.out()).contains("source head position: " + events.size(), "source head hash:     " + head,
        "target head position: " + events.size(), "target head hash:     " + head,
        "ok: both stores end at position " + events.size() + " with the same head hash");
    try (Connection c = connect()) {
      assertThat(read(new PostgresEventSource(c, "db"))).containsExactlyElementsOf(events);
    }

    Path back = tmp.resolve("back");
    CliRun home = run("copy", "--store", url, "--to", back.toString());
    assertThat(home.exit()).as(home.err()).isZero();
    assertThat(home.out()).contains("target head hash:     " + head, "ok: both stores end at position");
    assertThat(read(LogEventSource.open(back))).containsExactlyElementsOf(events);

    CliRun verifyPg = run("verify", "--store", url);
    CliRun verifyDir = run("verify", "--data", back.toString());
    assertThat(verifyPg.exit()).as(verifyPg.out()).isZero();
    assertThat(verifyPg.out()).contains("events checked: " + events.size(), "head hash:      " + head, "ok: no problems");
    assertThat(verifyDir.out()).contains("head hash:      " + head);
    try (LogEventStore reopened = Annals.open(back)) { // the copy is a store that takes appends
      assertThat(reopened.append("account-new", ExpectedVersion.NO_STREAM,
          List.of(EventData.of("Opened", "{}"))).firstPosition()).isEqualTo(events.size() + 1);
    }
  }

  @Test
  void a_postgresql_store_copies_into_another_database_with_the_same_head() throws Exception {
    Path original = tmp.resolve("original");
    seedBank(original);
    assertThat(run("copy", "--data", original.toString(), "--to", url).exit()).isZero();
    String other = postgres.url(postgres.createDatabase()).toString();
    CliRun r = run("copy", "--store", url, "--to", other);
    assertThat(r.exit()).as(r.err()).isZero();
    String head = run("verify", "--data", original.toString()).out().lines()
        .filter(l -> l.startsWith("head hash:")).findFirst().orElseThrow();
    assertThat(run("verify", "--store", other).out()).contains(head, "ok: no problems");
    assertThat(r.out()).contains("  from the PostgreSQL store " + url, "  to   the PostgreSQL store " + other);
  }

  @Test
  void a_directory_that_holds_anything_is_refused_and_left_as_it_was() throws Exception {
    Path original = tmp.resolve("original");
    seedBank(original);
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("notes.txt"), "mine");
    CliRun r = run("copy", "--data", original.toString(), "--to", busy.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: copy_refused: the directory " + busy.toAbsolutePath().normalize()
        + " is not empty (it holds notes.txt); a copy only fills a new or empty directory, and nothing was written\n");
    try (var files = Files.list(busy)) {
      assertThat(files.toList()).containsExactly(busy.resolve("notes.txt"));
    }
    CliRun onStore = run("copy", "--data", original.toString(), "--to", tmp.resolve("other").toString());
    assertThat(onStore.exit()).as(onStore.err()).isZero();
    CliRun again = run("copy", "--data", original.toString(), "--to", tmp.resolve("other").toString());
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("is not empty (it holds a store)").doesNotContain("Exception");
  }

  @Test
  void a_postgresql_store_that_holds_events_is_refused_and_left_as_it_was() throws Exception {
    Path original = tmp.resolve("original");
    seedBank(original);
    assertThat(run("copy", "--data", original.toString(), "--to", url).exit()).isZero();
    String before = run("verify", "--store", url).out();
    CliRun again = run("copy", "--data", original.toString(), "--to", url);
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).startsWith("error: copy_refused: the PostgreSQL store " + url
        + " is not empty (its head is at position ").endsWith("); a copy only fills an empty store, and nothing was"
        + " written\n");
    assertThat(run("verify", "--store", url).out()).isEqualTo(before);
  }

  @Test
  void verify_store_reports_data_grown_by_a_byte_at_its_position() throws Exception {
    Path original = tmp.resolve("original");
    seedBank(original);
    assertThat(run("copy", "--data", original.toString(), "--to", url).exit()).isZero();
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("UPDATE annals_events SET data = data || '\\x20'::bytea WHERE position = 42");
    }
    CliRun r = run("verify", "--store", url);
    assertThat(r.exit()).isEqualTo(1);
    // the digest no longer matches, and the chain covers the data's length, which changed
    assertThat(r.out()).contains("2 problem(s):",
        "  position 42: data_digest is not the SHA-256 of the data (the data or its digest was changed)",
        "  position 42: hash chain broken (the stored hash does not match the event and the previous hash)");
  }

  @Test
  void copy_without_a_source_or_with_a_password_in_the_url_is_a_one_line_error() {
    CliRun none = run("copy", "--to", tmp.resolve("x").toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).isEqualTo("error: copy needs the store to copy from: --data DIR or --store URL\n");
    CliRun password = run("copy", "--data", tmp.toString(), "--to", "postgresql://ann:secret@127.0.0.1:1/db");
    assertThat(password.exit()).isEqualTo(2);
    assertThat(password.err()).startsWith("error: --to: ").contains("password").doesNotContain("secret");
    assertThat(Files.exists(tmp.resolve("x"))).isFalse();
  }

  /**
   * The bank demo's seeded history (imports, as {@code annals demo} seeds it), then appends of several
   * events with effective times to the nanosecond and metadata, so the copy meets both kinds of append.
   */
  private static void seedBank(Path dir) {
    try (LogEventStore store = Annals.open(dir)) {
      new HistoryGenerator(SeedConfig.small(7)).generate().importInto(store, 500);
      for (int i = 0; i < 20; i++) {
        List<EventData> batch = new ArrayList<>();
        for (int k = 0; k <= i % 4; k++) {
          batch.add(new EventData(UUID.randomUUID(), "Noted", Json.of("{\"i\": " + i + ", \"k\": " + k + "}"),
              Json.of("{\"by\": \"test\"}"), Optional.of(Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789))));
        }
        store.append("audit-" + (i % 3), ExpectedVersion.ANY, batch);
      }
    }
  }

  private static List<StoredEvent> read(StoredEventSource source) {
    List<StoredEvent> out = new ArrayList<>();
    try (source) {
      source.forEach(out::add);
    }
    return out;
  }

  /** A plain connection whose search path is the store's schema (the engine's default). */
  private Connection connect() throws Exception {
    return DriverManager.getConnection(postgres.jdbcUrl(db) + "&currentSchema=" + PostgresOptions.DEFAULT_SCHEMA);
  }
}
