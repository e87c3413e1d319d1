package dev.annals.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.EventStoreException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code annals import FILE.jsonl}: imports history with its original {@code recordedAt} (docs/http-api.md).
 * One event per line: {@code {"stream", "type", "data", "metadata"?, "effectiveAt"?, "recordedAt", "id"?}}.
 * The whole file is parsed and checked first, so a malformed line writes nothing; then it is imported
 * in batches, each atomic (the store's import rules: {@code recordedAt} not decreasing, not before the
 * store's last event, not in the future).
 */
@Command(name = "import", description = "Import events with their original recordedAt from a JSON Lines file.")
final class ImportCommand implements Callable<Integer> {

  private static final Set<String> FIELDS = Set.of("stream", "type", "data", "metadata", "effectiveAt", "recordedAt", "id");
  /** Files with fewer events than this import in a blink: no progress bar. */
  static final int PROGRESS_BAR_EVENTS = 20_000;

  @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One event per line (blank lines are skipped).")
  Path file;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
      description = "Events per atomic import request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin StoreAccess access;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (batch < 1) {
      throw new CliFailure("--batch must be at least 1, was " + batch, 2);
    }
    access.location(); // conflicting or malformed store options are refused before the file is read
    Parsed parsed = parse(file);
    List<ImportEvent> events = parsed.events();
    if (events.isEmpty()) {
      throw new CliFailure(file + " holds no events", 2);
    }
    long first = -1;
    long last = -1;
    int done = 0;
    PrintStream err = System.err;
    boolean bar = events.size() >= PROGRESS_BAR_EVENTS;
    try (EventStore store = access.open(true)) {
      while (done < events.size()) {
        List<ImportEvent> chunk = events.subList(done, Math.min(events.size(), done + batch));
        ImportResult r;
        try {
          r = store.importEvents(chunk);
        } catch (EventStoreException e) {
          if (bar) {
            err.println();
          }
          throw new CliFailure(String.format(Locale.ROOT,
              "%s: %s (the first %d of %d events were imported; the batch from line %d on wrote nothing)",
              e.code(), e instanceof InvalidInputException ? where(file, parsed.lines(), done, chunk.size(), e.getMessage())
                  : e.getMessage(), done, events.size(),
              parsed.lines()[done]), ErrorHandler.STORE_ERROR);
        }
        first = first < 0 ? r.firstPosition() : first;
        last = r.lastPosition();
        done += chunk.size();
        if (bar) {
          err.printf(Locale.ROOT, "\rimporting %d/%d events (%d%%)", done, events.size(), 100L * done / events.size());
          err.flush();
        }
      }
    }
    if (bar) {
      err.println();
    }
    if (json) {
      System.out.println(EventJson.MAPPER.writeValueAsString(EventJson.MAPPER.createObjectNode()
          .put("count", done).put("firstPosition", first).put("lastPosition", last)));
    } else {
      System.out.printf("imported %d events from %s: positions %d..%d%n", done, file, first, last);
    }
    return 0;
  }

  /** The file's events and, for each, its line number (1-based). */
  record Parsed(List<ImportEvent> events, int[] lines) {}

  /**
   * Every line of the file as an import event; a bad line is an error naming the file and line, and so is
   * a {@code recordedAt} earlier than the line before it (the store would refuse that batch midway).
   */
  static Parsed parse(Path file) throws IOException {
    List<ImportEvent> events = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          ImportEvent e;
          try {
            e = event(line);
          } catch (IllegalArgumentException bad) {
            throw new CliFailure(file + ":" + n + ": " + bad.getMessage(), 2);
          }
          if (!events.isEmpty() && e.recordedAt().isBefore(events.getLast().recordedAt())) {
            throw new CliFailure(file + ":" + n + ": recordedAt " + e.recordedAt() + " is before line " + lines.getLast()
                + "'s " + events.getLast().recordedAt() + "; history is imported in recorded order (nothing was written)", 2);
          }
          events.add(e);
          lines.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      throw new CliFailure("no such file: " + file, 2);
    }
    return new Parsed(events, lines.stream().mapToInt(Integer::intValue).toArray());
  }

  private static final Pattern EVENT_IN_BATCH = Pattern.compile("event (\\d+): (.*)", Pattern.DOTALL);

  /**
   * The store's message about the batch of {@code size} events from event {@code from}, located in the file:
   * its "event i" (0-based in the batch) becomes the file and line, otherwise the batch's lines are named.
   */
  private static String where(Path file, int[] lines, int from, int size, String message) {
    Matcher m = EVENT_IN_BATCH.matcher(message);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      if (i < size) {
        return file + ":" + lines[from + i] + ": " + m.group(2);
      }
    }
    return file + ":" + lines[from] + "-" + lines[from + size - 1] + ": " + message;
  }

  private static ImportEvent event(String line) {
    JsonNode node;
    try {
      node = EventJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("each line must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f + "'; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    String stream = text(node, "stream");
    String type = text(node, "type");
    if (!node.has("data")) {
      throw new IllegalArgumentException("data is required (any JSON value)");
    }
    Json data = Json.of(node.get("data"));
    Json metadata = node.has("metadata") ? Json.of(node.get("metadata")) : Json.EMPTY_OBJECT;
    Optional<Instant> effectiveAt = node.has("effectiveAt") ? Optional.of(instant(node, "effectiveAt")) : Optional.empty();
    Instant recordedAt = instant(node, "recordedAt");
    UUID id;
    try {
      id = node.has("id") ? UUID.fromString(text(node, "id")) : UUID.randomUUID();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("id must be a UUID, was '" + node.get("id").asText() + "'");
    }
    return new ImportEvent(stream, new EventData(id, type, data, metadata, effectiveAt), recordedAt);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string, was " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  private static Instant instant(JsonNode node, String field) {
    String v = text(node, field);
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2026-03-15T14:47:00Z, was '" + v + "'");
    }
  }
}
