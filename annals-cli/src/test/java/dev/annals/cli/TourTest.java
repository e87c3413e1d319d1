package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/tour.md is true: each of its commands, taken from the file as it stands, is run in order
 * against a fresh demo (its seeded history is the same on every run) and prints what the tour shows.
 *
 * <p>What may differ, and only that: the port (the tour's {@code 127.0.0.1:7070} is the test's free
 * port), the data directory ({@code $DATA}; the path on the demo's {@code data} line and after
 * {@code --data}), the durations the demo prints ({@code in 24.9 s}), an append's {@code recordedAt},
 * the order of a state view's sets (an account's fees, credits: the server writes them in no fixed
 * order), and, in a text output, a line that is only {@code …}, which stands for any lines (the rebuild's
 * progress and comparison, which depend on timing). JSON is compared parsed, so its layout is free.
 * On a mismatch the failure shows a line diff per command, and {@code target/tour.actual.md} holds
 * the tour with what was printed in place of each output that differed, ready to review and copy.
 */
class TourTest {

  private static final Path TOUR = Path.of("").toAbsolutePath().resolve("../docs/tour.md").normalize();
  private static final Path ACTUAL = Path.of("target", "tour.actual.md");
  private static final String ANY_LINES = "…";

  @TempDir
  Path dir;

  @Test
  void every_command_block_of_the_tour_shows_what_it_prints_and_the_tour_starts_the_demo() throws Exception {
    List<TourDocument.Step> steps = TourDocument.parse(Files.readString(TOUR)).steps();
    assertThat(steps).hasSizeGreaterThan(10);
    assertThat(steps.getFirst().command()).isEqualTo("./annals demo");
  }

  @Test
  void every_command_of_the_tour_prints_what_the_tour_shows_against_a_fresh_demo() throws Exception {
    TourDocument tour = TourDocument.parse(Files.readString(TOUR));
    Map<TourDocument.Step, String> printed = new LinkedHashMap<>();
    List<String> mismatches = new ArrayList<>();
    try (TourSession session = new TourSession(dir.resolve("demo"))) {
      for (TourDocument.Step step : tour.steps()) {
        String actual = session.run(step.command());
        String problem = step.kind().equals("json") ? compareJson(step, actual) : compareText(step, actual, session.dataDir());
        if (!problem.isEmpty()) {
          printed.put(step, step.kind().equals("json") ? JqStyle.print(EventJson.MAPPER.readTree(actual)) + "\n" : actual);
          mismatches.add("docs/tour.md line " + step.line() + ": " + step.command() + "\n" + problem);
        }
      }
    }
    Files.createDirectories(ACTUAL.getParent());
    Files.writeString(ACTUAL, tour.render(printed));
    if (!mismatches.isEmpty()) {
      fail("%d of %d commands print something else than docs/tour.md shows (- tour, + printed; normalised);"
            + " %s is the tour with what they printed%n%n%s", mismatches.size(), tour.steps().size(),
            ACTUAL.toAbsolutePath(), String.join("\n", mismatches));
    }
  }

  private static String compareJson(TourDocument.Step step, String actual) throws Exception {
    boolean unorderedSets = step.command().contains("/state");
    JsonNode shown = canonical(normalise(EventJson.MAPPER.readTree(step.shown())), unorderedSets);
    JsonNode got;
    try {
      got = canonical(normalise(EventJson.MAPPER.readTree(actual)), unorderedSets);
    } catch (Exception e) {
      return "not JSON: " + actual;
    }
    return shown.equals(got) ? "" : LineDiff.of(JqStyle.print(shown), JqStyle.print(got));
  }

  /**
   * An append's answer carries the time it was written, and {@code /health} the server's name (its port) and
   * when it last saw each server: the JSON values that vary.
   */
  private static JsonNode normalise(JsonNode node) {
    if (node instanceof ObjectNode o && o.has("firstPosition") && o.has("recordedAt")) {
      o.set("recordedAt", TextNode.valueOf("(when appended)"));
    }
    if (node instanceof ObjectNode o && o.has("node") && o.path("nodes").isArray()) {
      String shownName = TourSession.SHOWN_SERVER.substring("http://".length());
      o.set("node", TextNode.valueOf(shownName));
      o.path("nodes").forEach(n -> {
        if (n instanceof ObjectNode entry && entry.path("self").asBoolean()) {
          entry.set("name", TextNode.valueOf(shownName));
          entry.set("url", TextNode.valueOf(TourSession.SHOWN_SERVER));
          entry.set("lastSeen", TextNode.valueOf("(now)"));
        }
      });
    }
    return node;
  }

  /**
   * Keys in name order (JSON objects have none, so the diff shows only real differences) and, for a
   * state view, arrays of strings sorted: a fold's sets (an account's fees, debits, credits) are
   * written in no fixed order.
   */
  private static JsonNode canonical(JsonNode node, boolean sortStringArrays) {
    if (node.isObject()) {
      ObjectNode sorted = EventJson.MAPPER.createObjectNode();
      new TreeMap<>(node.propertyStream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
          .forEach((k, v) -> sorted.set(k, canonical(v, sortStringArrays)));
      return sorted;
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(e -> items.add(canonical(e, sortStringArrays)));
      if (sortStringArrays && items.stream().allMatch(JsonNode::isTextual)) {
        items.sort(Comparator.comparing(JsonNode::asText));
      }
      return EventJson.MAPPER.createArrayNode().addAll(items);
    }
    return node;
  }

  private static String compareText(TourDocument.Step step, String actual, Path dataDir) {
    List<String> shown = normalise(step.shown(), dataDir).lines().toList();
    List<String> got = normalise(actual, dataDir).lines().toList();
    return matches(shown, 0, got, 0) ? "" : LineDiff.of(String.join("\n", shown), String.join("\n", got));
  }

  static String normalise(String text, Path dataDir) {
    return text.replace(dataDir.toAbsolutePath().toString(), "$DATA")
        .replaceAll("http://127\\.0\\.0\\.1:\\d+", TourSession.SHOWN_SERVER)
        .replaceAll("(?m)^(  data {7})\\S+$", "$1\\$DATA")
        .replaceAll("--data \\S+", "--data \\$DATA")
        .replaceAll("\\bin \\d+(\\.\\d+)? s\\b", "in N s")
        .replaceAll("(?m)^(head hash: +)\\p{XDigit}{64}$", "$1(covers the append)");
  }

  /** Line by line, a shown line that is only {@link #ANY_LINES} matching any number of printed lines. */
  private static boolean matches(List<String> shown, int i, List<String> got, int j) {
    if (i == shown.size()) {
      return j == got.size();
    }
    if (shown.get(i).strip().equals(ANY_LINES)) {
      for (int k = j; k <= got.size(); k++) {
        if (matches(shown, i + 1, got, k)) {
          return true;
        }
      }
      return false;
    }
    return j < got.size() && shown.get(i).equals(got.get(j)) && matches(shown, i + 1, got, j + 1);
  }
}
