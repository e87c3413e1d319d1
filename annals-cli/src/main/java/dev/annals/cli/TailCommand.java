package dev.annals.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.annals.client.ClientOptions;
import dev.annals.client.HttpEventStore;
import dev.annals.core.EventHandler;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.core.Subscription;
import dev.annals.server.http.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code annals tail}: follows the global log of a server over SSE (reconnecting after drops), one
 * line per event: human-readable, or the event's JSON with {@code --json}.
 */
@Command(name = "tail", description = "Follow a server's events live (SSE).")
final class TailCommand implements Callable<Integer> {

  @Option(names = "--from", defaultValue = "end", paramLabel = "P",
      description = "first position to show, or 'end' for new events only (default: ${DEFAULT-VALUE})")
  String from;

  @Option(names = "--since", paramLabel = "T",
      description = "start with the first event recorded at or after T instead: a date (2026-03-15, start of day UTC),"
          + " a date-time (2026-03-15T14:47, UTC) or an instant with offset (2026-03-15T14:47:00Z)")
  Optional<Instant> since;

  @Option(names = "--server", defaultValue = "http://127.0.0.1:7070", paramLabel = "URL", description = "default: ${DEFAULT-VALUE}")
  URI server;

  @Option(names = "--api-key-env", defaultValue = "ANNALS_API_KEY", paramLabel = "VAR",
      description = "environment variable holding the API key, if any (default: ${DEFAULT-VALUE})")
  String apiKeyEnv;

  @Option(names = "--category", description = "only streams of this category")
  Optional<String> category;

  @Option(names = "--prefix", description = "only streams whose name starts with this")
  Optional<String> prefix;

  @Option(names = "--count", paramLabel = "N", description = "print N events (N >= 1), then exit (default: follow until interrupted)")
  Optional<Long> count;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "one event JSON object per line")
  boolean json;

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public Integer call() throws Exception {
    if (count.isPresent() && count.get() < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1, was " + count.get());
    }
    boolean fromGiven = spec.commandLine().getParseResult().hasMatchedOption("--from");
    if (fromGiven && since.isPresent()) {
      throw new CliFailure("give --from or --since, not both", 2);
    }
    OptionalLong start; // empty: from the end (live only)
    if (from.equals("end")) {
      start = OptionalLong.empty();
    } else {
      long position;
      try {
        position = Long.parseLong(from);
      } catch (NumberFormatException e) {
        throw new CliFailure("--from must be a position or 'end', was '" + from + "'", 2);
      }
      if (position < 1) {
        throw new CliFailure("--from must be a position (1 or more) or 'end', was " + position, 2);
      }
      start = OptionalLong.of(position);
    }
    Filter filter = Filter.all();
    if (category.isPresent()) {
      filter = filter.withCategory(category.get());
    }
    if (prefix.isPresent()) {
      filter = filter.withPrefix(prefix.get());
    }
    CountedPrinter printer = new CountedPrinter(System.out, json, count);
    try (HttpEventStore client = new HttpEventStore(server,
        Optional.ofNullable(System.getenv(apiKeyEnv)).map(ClientOptions::apiKey).orElse(ClientOptions.defaults()))) {
      // the subscription reconnects quietly after drops; a server that is not there (or refuses the key)
      // at the start is an error now, not a silent wait
      long head = client.headPosition();
      if (since.isPresent()) {
        start = OptionalLong.of(client.positionAt(since.get()));
      }
      System.err.println(startLine(server, head, start, since, category, prefix, count));
      System.err.flush();
      follow(client, start, filter, printer);
    }
    return 0;
  }

  /**
   * What tail follows, said before the first event arrives (on stderr: stdout is the events): the
   * server, which streams, from where, and until when.
   */
  static String startLine(URI server, long head, OptionalLong from, Optional<Instant> since, Optional<String> category,
      Optional<String> prefix, Optional<Long> count) {
    String what = category.map(c -> "streams of category " + c).or(() -> prefix.map(p -> "streams starting with " + p))
        .orElse("all streams");
    if (category.isPresent() && prefix.isPresent()) {
      what = "streams of category " + category.get() + " starting with " + prefix.get();
    }
    String where;
    if (from.isEmpty()) {
      where = "new events only (after position " + head + ", the head now)";
    } else if (since.isPresent()) {
      long start = from.getAsLong();
      where = "position " + start + ", the first recorded at or after " + WireJson.instant(since.get())
          + (start > head ? " (none yet: new events only)" : "");
    } else {
      long start = from.getAsLong();
      where = "position " + start + (start > head ? " (the head is " + head + ": new events only)" : " (head " + head + ")");
    }
    return "tail: following " + what + " on " + server + " from " + where + "; "
        + count.map(n -> "stops after " + n + " event" + (n == 1 ? "" : "s")).orElse("Ctrl-C stops");
  }

  private void follow(HttpEventStore client, OptionalLong start, Filter filter, CountedPrinter printer) throws Exception {
    try (Subscription sub = start.isPresent() ? client.subscribeToAll(start.getAsLong(), filter, printer)
        : client.subscribeToAllLive(filter, printer)) {
      while (!printer.done.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (sub.isStopped()) {
          Throwable f = sub.failure().orElse(new IllegalStateException("the subscription stopped"));
          if (f instanceof RuntimeException r) {
            throw r;
          }
          throw new CliFailure(f.toString(), 1);
        }
      }
    }
  }

  /**
   * Prints each event as one line until {@code count} events are printed, then counts down
   * {@link #done} and ignores the events that still arrive before the subscription is closed. Runs on
   * the subscription's thread; {@link #done} is the hand-over to the command's thread.
   */
  static final class CountedPrinter implements EventHandler {
    final CountDownLatch done = new CountDownLatch(1);
    private final PrintStream out;
    private final boolean json;
    private final Optional<Long> count;
    private long printed;

    CountedPrinter(PrintStream out, boolean json, Optional<Long> count) {
      this.out = out;
      this.json = json;
      this.count = count;
    }

    @Override
    public void onEvent(RecordedEvent e) throws IOException {
      if (count.isPresent() && printed >= count.get()) {
        return;
      }
      out.println(json ? toJson(e) : human(e));
      out.flush();
      printed++;
      if (count.isPresent() && printed >= count.get()) {
        done.countDown();
      }
    }
  }

  static String human(RecordedEvent e) {
    return "#" + e.position() + "  " + e.stream() + "@" + e.version() + "  " + e.type() + "  "
        + WireJson.instant(e.recordedAt()) + "  " + e.data();
  }

  static String toJson(RecordedEvent e) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      WireJson.writeEvent(g, e);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
