package dev.annals.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A document's commands and the output it shows for each, in document order: every {@code ```sh}
 * block is one command, and the next fenced block ({@code ```json} or {@code ```text}; only blank
 * lines and HTML lines such as {@code <details>} between) is what it prints. A command block without
 * an output block is an error naming its line. {@link #render} gives the document back with other
 * outputs in place of the shown ones.
 */
final class TourDocument {

  /** One command: where its block starts (1-based), the command text, and the output block's kind and text. */
  record Step(int line, String command, String kind, String shown, int outputFrom, int outputTo) {}

  private final List<String> lines;
  private final List<Step> steps;

  private TourDocument(List<String> lines, List<Step> steps) {
    this.lines = lines;
    this.steps = steps;
  }

  List<Step> steps() {
    return steps;
  }

  static TourDocument parse(String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String lang = fenceLang(lines.get(i));
      if (lang == null) {
        i++;
        continue;
      }
      int close = closingFence(lines, i);
      if (!lang.equals("sh")) {
        i = close + 1;
        continue;
      }
      String command = body(lines, i, close).strip();
      int next = close + 1;
      while (next < lines.size() && (lines.get(next).isBlank() || lines.get(next).strip().startsWith("<"))) {
        next++;
      }
      String outLang = next < lines.size() ? fenceLang(lines.get(next)) : null;
      if (outLang == null || !(outLang.equals("json") || outLang.equals("text"))) {
        throw new IllegalArgumentException("line " + (i + 1) + ": the command `" + command
            + "` has no ```json or ```text block after it showing what it prints");
      }
      int outClose = closingFence(lines, next);
      steps.add(new Step(i + 1, command, outLang, body(lines, next, outClose), next + 1, outClose));
      i = outClose + 1;
    }
    return new TourDocument(lines, steps);
  }

  /** The document with the output block of each step in {@code outputs} replaced by that text. */
  String render(Map<Step, String> outputs) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (Step s : steps) {
      while (i < s.outputFrom()) {
        out.append(lines.get(i++)).append('\n');
      }
      String indent = indentOf(lines.get(s.outputFrom() - 1));
      String text = outputs.getOrDefault(s, s.shown());
      text.lines().forEach(l -> out.append(l.isEmpty() ? "" : indent).append(l).append('\n'));
      i = s.outputTo();
    }
    while (i < lines.size()) {
      out.append(lines.get(i++)).append('\n');
    }
    return out.toString();
  }

  private static String fenceLang(String line) {
    String t = line.strip();
    return t.startsWith("```") ? t.substring(3).strip() : null;
  }

  private static int closingFence(List<String> lines, int open) {
    for (int j = open + 1; j < lines.size(); j++) {
      if (lines.get(j).strip().equals("```")) {
        return j;
      }
    }
    throw new IllegalArgumentException("line " + (open + 1) + ": the fenced block is not closed");
  }

  /** The block's lines without the fence's indentation, each ending in a newline. */
  private static String body(List<String> lines, int open, int close) {
    int indent = indentOf(lines.get(open)).length();
    StringBuilder b = new StringBuilder();
    for (int j = open + 1; j < close; j++) {
      String l = lines.get(j);
      b.append(l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.strip()).append('\n');
    }
    return b.toString();
  }

  private static String indentOf(String line) {
    return line.substring(0, line.length() - line.stripLeading().length());
  }
}
