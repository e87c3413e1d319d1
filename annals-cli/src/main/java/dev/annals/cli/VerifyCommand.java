package dev.annals.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.StoreUnavailableException;
import dev.annals.log.LogVerifier;
import dev.annals.log.VerifyReport;
import dev.annals.postgres.PostgresOptions;
import dev.annals.postgres.PostgresVerifier;
import dev.annals.postgres.PostgresVerifyReport;
import java.util.List;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annals verify --data DIR}: checks every checksum, the hash chain and every index against the
 * log; {@code annals verify --store URL}: the same for a PostgreSQL store (positions, versions, appends, data
 * digests, every chain link, the head row and the stream table). Repairs nothing; prints the head hash,
 * the same for the same events on either engine. Exit 0 only when there is no problem.
 */
@Command(name = "verify", description = "Verify a store (--data DIR or --store URL): checksums, hash chain, indexes."
    + " Repairs nothing.")
final class VerifyCommand implements Callable<Integer> {

  /** Stores smaller than this verify in a blink: no progress bar. */
  static final long PROGRESS_BAR_BYTES = 16L << 20;
  /** PostgreSQL stores of fewer events than this verify in a blink: no progress bar. */
  static final long PROGRESS_BAR_EVENTS = 50_000;

  @Mixin StoreAccess access;

  @Option(names = "--json", description = "Print {\"ok\", \"events\", \"headHash\", \"problems\", \"notes\"} as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Optional<StoreLocation> where = access.location();
    if (where.isEmpty()) {
      return viaServer();
    }
    PrintStream err = System.err;
    ProgressBar bar = new ProgressBar(err);
    Outcome report = switch (where.get()) {
      case StoreLocation.DataDirectory data -> {
        data.requireStore();
        VerifyReport r = LogVerifier.verify(data.dir(), bar);
        yield new Outcome(r.events(), r.headPosition(), r.headHash(), r.problems(), r.notes());
      }
      case StoreLocation.PostgresUrl pg -> {
        PostgresVerifyReport r = PostgresVerifier.verify(PostgresOptions.of(pg.url()), bar::onEvents);
        yield new Outcome(r.events(), r.headPosition(), r.headHash(), r.problems(), r.notes());
      }
      case StoreLocation.InMemory m -> throw new CliFailure("a store in memory has nothing to verify", 2);
    };
    bar.finish();
    print(report);
    return report.ok() ? 0 : 1;
  }

  /** What either engine's verify found, in the one shape this command prints. */
  private record Outcome(long events, long headPosition, String headHash, List<String> problems, List<String> notes) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  private void print(Outcome report) throws Exception {
    if (json) {
      ObjectNode out = EventJson.MAPPER.createObjectNode();
      out.put("ok", report.ok());
      out.put("events", report.events());
      out.put("headPosition", report.headPosition());
      out.put("headHash", report.headHash());
      ArrayNode problems = out.putArray("problems");
      report.problems().forEach(problems::add);
      ArrayNode notes = out.putArray("notes");
      report.notes().forEach(notes::add);
      System.out.println(EventJson.MAPPER.writeValueAsString(out));
    } else {
      System.out.println("events checked: " + report.events());
      System.out.println("head position:  " + report.headPosition());
      System.out.println("head hash:      " + report.headHash());
      report.notes().forEach(n -> System.out.println("note: " + n));
      if (report.ok()) {
        System.out.println("ok: no problems");
      } else {
        System.out.println(report.problems().size() + " problem(s):");
        report.problems().forEach(p -> System.out.println("  " + p));
      }
    }
  }

  /** {@code POST /admin/verify} on the server; prints its answer; exit 1 unless ok. */
  private int viaServer() throws Exception {
    java.net.URI base = access.server();
    java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(base.resolve("/admin/verify"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
    String key = System.getenv("ANNALS_API_KEY");
    if (key != null && !key.isBlank()) {
      req.header("Authorization", "Bearer " + key);
    }
    System.err.println("verifying on " + base + " ...");
    java.net.http.HttpResponse<String> resp;
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      resp = http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // The same words as HttpEventStore's (append, read, import); e.toString(), as a ConnectException has no message.
      throw new StoreUnavailableException("cannot reach the server at " + base + ": " + e, e);
    }
    com.fasterxml.jackson.databind.JsonNode body = EventJson.MAPPER.readTree(resp.body());
    if (resp.statusCode() != 200) {
      throw new CliFailure(body.path("error").asText("http " + resp.statusCode()) + ": " + body.path("message").asText(), 2);
    }
    boolean ok = body.path("ok").asBoolean(false);
    if (json) {
      System.out.println(EventJson.MAPPER.writeValueAsString(body));
    } else {
      System.out.println("events checked: " + body.path("events").asLong());
      System.out.println("head hash:      " + body.path("headHash").asText("-"));
      if (ok) {
        System.out.println("ok: no problems");
      } else {
        System.out.println(body.path("problems").size() + " problem(s):");
        body.path("problems").forEach(p -> System.out.println("  " + p.asText()));
      }
    }
    return ok ? 0 : 1;
  }

  /** A one-line progress bar on stderr, shown only for large stores. */
  static final class ProgressBar implements LogVerifier.Progress {
    private final PrintStream err;
    private boolean shown;
    private long started = System.nanoTime();

    ProgressBar(PrintStream err) {
      this.err = err;
    }

    @Override
    public void onProgress(long done, long total) {
      if (total < PROGRESS_BAR_BYTES) {
        return;
      }
      draw(done, total, String.format(Locale.ROOT, "%d/%d MiB", done >> 20, total >> 20));
    }

    /** Progress of a PostgreSQL verify, counted in events; shown from {@link #PROGRESS_BAR_EVENTS} events on. */
    void onEvents(long done, long total) {
      if (total < PROGRESS_BAR_EVENTS) {
        return;
      }
      draw(done, total, String.format(Locale.ROOT, "%,d/%,d events", done, total));
    }

    private void draw(long done, long total, String amount) {
      shown = true;
      int width = 40;
      int filled = (int) (width * Math.min(done, total) / Math.max(1, total));
      double secs = (System.nanoTime() - started) / 1e9;
      err.printf(Locale.ROOT, "\rverifying [%s%s] %3d%%  %s  %.1fs", "#".repeat(filled), " ".repeat(width - filled),
          100 * Math.min(done, total) / Math.max(1, total), amount, secs);
      err.flush();
    }

    void finish() {
      if (shown) {
        err.println();
      }
    }
  }
}
