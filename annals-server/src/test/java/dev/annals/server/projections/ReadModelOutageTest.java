package dev.annals.server.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.postgres.LocalPostgres;
import dev.annals.postgres.PostgresEventStore;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.PostgresReadModels;
import dev.annals.postgres.TestPostgres;
import dev.annals.server.AnnalsServer;
import dev.annals.server.LedgerModule;
import dev.annals.server.ServerConfig;
import dev.annals.server.TestServer;
import dev.annals.server.verify.ScanVerifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Read models in PostgreSQL while the database goes away: queries and status answer 503 {@code unavailable}
 * (never 500), and once it is back the same server answers again and its projection goes on by itself (its
 * lead, an advisory lock on a connection the restart closed, is taken again).
 */
class ReadModelOutageTest {

  @Test
  void queries_answer_503_while_postgresql_is_down_and_the_projection_resumes_when_it_returns() throws Exception {
    try (LocalPostgres pg = TestPostgres.startOwn()) {
      PostgresOptions options = PostgresOptions.of(pg.url(pg.createDatabase()).toString())
          .withConnectTimeout(Duration.ofSeconds(1));
      PostgresEventStore store = PostgresEventStore.open(options);
      SharedReadModels readModels = new SharedReadModels(() -> {
        PostgresReadModels.Target t = PostgresReadModels.target(store);
        return new SharedReadModels.Opened(t.target(), t.dialect());
      }, store::tryAcquireRole, "the store's database");
      try (TestServer t = new TestServer(store, new AnnalsServer(store, ServerConfig.defaults().withPort(0)
          .withEngine("postgresql"), new ScanVerifier(store, true), List.of(new LedgerModule()), readModels))) {
        assertThat(t.post("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":10}").status()).isEqualTo(200);
        assertThat(t.get("/projections/ledger_totals/rows?minPosition=1&wait=10s").status()).isEqualTo(200);

        pg.stop(LocalPostgres.StopMode.IMMEDIATE);
        TestServer.Reply rows = t.get("/projections/ledger_totals/rows");
        assertThat(rows.status()).as(rows.body()).isEqualTo(503);
        assertThat(rows.error()).isEqualTo("unavailable");
        assertThat(rows.json().path("message").asText()).contains("cannot be reached");
        TestServer.Reply health = t.get("/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().path("message").asText()).startsWith("the store cannot be read");

        pg.restart();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        TestServer.Reply credit;
        do {
          credit = t.post("/commands/ledger/credit", "{\"ledgerId\":\"1\",\"amount\":5}");
          Thread.sleep(100);
        } while (credit.status() == 503 && System.nanoTime() < deadline);
        assertThat(credit.status()).as(credit.body()).isEqualTo(200);
        long at = credit.json().path("append").path("lastPosition").asLong();
        TestServer.Reply after;
        do {
          after = t.get("/projections/ledger_totals/rows?stream=ledger-1&minPosition=" + at + "&wait=5s");
        } while (after.status() == 503 && System.nanoTime() < deadline);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(after.json().path("rows").get(0).path("total").asLong()).isEqualTo(15);
        assertThat(t.get("/projections/ledger_totals").json().path("status").asText()).isEqualTo("running");
      }
    }
  }
}
